package io.sngw.deploy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneLineFormatterTest {
    @Test
    void textFromTheAirCannotForgeALogLine() {
        LogRecord record = new LogRecord(Level.INFO, "client {0} lost: keep-alive expired");
        record.setLoggerName("io.sngw.core.Session");
        record.setParameters(new Object[] {"x\n2026-01-01 00:00:00.000 SEVERE  io.sngw: forged line"});
        String line = new OneLineFormatter().format(record);
        assertEquals(1, line.split(System.lineSeparator(), -1).length - 1, "one line: " + line);
        assertTrue(line.contains("client x\\n2026-01-01 00:00:00.000 SEVERE  io.sngw: forged line lost"), line);
    }

    @Test
    void durationsAreShownAsTheConfigurationWritesThem() {
        LogRecord record = new LogRecord(Level.INFO, "global budgets: {0}; unsupervised sessions expire after {1} idle,"
                + " retry after {2}");
        record.setLoggerName("io.sngw.core.Gateway");
        record.setParameters(new Object[] {"x", Duration.ofDays(7), Duration.ofMillis(2500)});

        String line = new OneLineFormatter().format(record);

        assertTrue(line.endsWith("expire after 7d idle, retry after 2500ms" + System.lineSeparator()), line);
    }
}
