package io.sngw.bridge.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The bridge's log records (all levels) while open: what an installer would read. */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger(MqttBridge.class.getName());
    private final Level previous;
    private final List<LogRecord> records = new ArrayList<>();

    LogCapture() {
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    synchronized List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The formatted messages of the records that match. */
    List<String> messages(Predicate<LogRecord> which) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records()) {
            if (which.test(r)) {
                out.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }
        }
        return out;
    }

    /** Every formatted message that contains {@code text}. */
    List<String> containing(String text) {
        return messages(r -> new java.util.logging.SimpleFormatter().formatMessage(r).contains(text));
    }

    boolean anyStackTrace() {
        return records().stream().anyMatch(r -> r.getThrown() != null);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
