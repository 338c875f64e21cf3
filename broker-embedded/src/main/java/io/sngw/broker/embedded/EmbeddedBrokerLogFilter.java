package io.sngw.broker.embedded;

import io.sngw.core.Plural;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps Moquette's log to what an operator can act on. Two of its records come by the hundred from one event:
 * <ul>
 *   <li>a SEVERE stack trace for every acknowledgement Moquette still writes to a client that has gone (the bridge
 *       stopping while it forwards a backlog: "Broken pipe", a closed channel). A client leaving is not an error:
 *       these are logged once per connection at FINE by this class instead;</li>
 *   <li>a WARNING for every command its session queues cannot take while the broker is overloaded: the first is
 *       logged, then at most one a period, with how many were left out.</li>
 * </ul>
 */
final class EmbeddedBrokerLogFilter implements Filter {

    static final String HANDLER_LOGGER = "io.moquette.broker.NewNettyMQTTHandler";
    static final String LOOPS_LOGGER = "io.moquette.broker.SessionEventLoopGroup";
    private static final String QUEUE_FULL = "Session command queue";
    private static final System.Logger LOG = System.getLogger(EmbeddedBroker.class.getName());

    // Strong references: JUL holds loggers weakly, and a collected logger forgets its filter.
    private static final Logger HANDLER = Logger.getLogger(HANDLER_LOGGER);
    private static final Logger LOOPS = Logger.getLogger(LOOPS_LOGGER);

    private final long periodNanos;
    private final AtomicLong lastQueueFullNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong queueFullLeftOut = new AtomicLong();
    private volatile String lastGoneClient;

    EmbeddedBrokerLogFilter(long period, TimeUnit unit) {
        this.periodNanos = unit.toNanos(period);
    }

    /** Puts a filter on Moquette's two noisy loggers; idempotent. */
    static void install() {
        EmbeddedBrokerLogFilter filter = new EmbeddedBrokerLogFilter(10, TimeUnit.SECONDS);
        if (!(HANDLER.getFilter() instanceof EmbeddedBrokerLogFilter)) {
            HANDLER.setFilter(filter);
        }
        if (!(LOOPS.getFilter() instanceof EmbeddedBrokerLogFilter)) {
            LOOPS.setFilter(filter);
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLevel().intValue() >= Level.SEVERE.intValue() && clientWentAway(record.getThrown())) {
            String message = record.getMessage();
            if (!message.equals(lastGoneClient)) {
                lastGoneClient = message;
                LOG.log(System.Logger.Level.DEBUG, "embedded broker: a client connection closed while the broker "
                        + "still wrote to it ({0}): {1}", record.getThrown(), message);
            }
            return false;
        }
        String message = record.getMessage();
        if (message != null && message.startsWith(QUEUE_FULL)) {
            long now = System.nanoTime();
            long last = lastQueueFullNanos.get();
            if (last != Long.MIN_VALUE && now - last < periodNanos || !lastQueueFullNanos.compareAndSet(last, now)) {
                queueFullLeftOut.incrementAndGet();
                return false;
            }
            long leftOut = queueFullLeftOut.getAndSet(0);
            if (leftOut > 0) {
                record.setMessage(message + " (and " + Plural.of(leftOut, "more such warning")
                        + " in the last " + TimeUnit.NANOSECONDS.toSeconds(periodNanos) + "s"
                        + ", left out: the embedded broker is overloaded)");
            }
        }
        return true;
    }

    /** A write to a connection the client closed (or reset), the way Netty and the JDK report it. */
    static boolean clientWentAway(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("Connection reset"))) {
                return true;
            }
        }
        return false;
    }
}
