package io.sngw.deploy;

import io.sngw.core.LogText;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per record, {@code 2026-01-31 12:00:00.123 INFO    io.sngw.deploy.GatewayApp: message}, so that the
 * journal and {@code grep} see one event per line. A throwable follows on the next lines. Messages carry text from
 * the air (client ids, topic names, addresses) and from files: every control character in them is escaped here, the
 * one place every log line passes, so that nothing received can forge a line of its own. Durations are shown as the
 * configuration file writes them.
 */
public final class OneLineFormatter extends Formatter {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(128)
                .append(TIME.format(Instant.ofEpochMilli(record.getMillis()))).append(' ');
        String level = record.getLevel().getName();
        line.append(level);
        for (int i = level.length(); i < 7; i++) {
            line.append(' ');
        }
        showDurationsAsConfigured(record);
        line.append(' ').append(record.getLoggerName()).append(": ")
                .append(LogText.escape(formatMessage(record)))
                .append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    /**
     * A {@link Duration} among the record's parameters is shown as the configuration file writes it ({@code 2s},
     * {@code 7d}), not as ISO-8601 ({@code PT2S}, {@code PT168H}): the operator reads the log beside the file.
     */
    private static void showDurationsAsConfigured(LogRecord record) {
        Object[] parameters = record.getParameters();
        if (parameters == null) {
            return;
        }
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] instanceof Duration d) {
                parameters[i] = Durations.format(d);
            }
        }
    }
}
