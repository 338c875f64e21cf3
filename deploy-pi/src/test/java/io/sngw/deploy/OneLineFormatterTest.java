package io.sngw.deploy;

import org.junit.jupiter.api.Test;

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
}
