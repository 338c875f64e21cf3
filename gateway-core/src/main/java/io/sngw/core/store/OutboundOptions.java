package io.sngw.core.store;

import java.time.Duration;

/**
 * Bounds of the store-and-forward queue.
 *
 * @param window          QoS 1/2 messages sent to the broker and not yet acknowledged, at most
 * @param maxMessages     messages the durable queue holds; beyond, new QoS 1/2 publishes are refused (PUBACK 0x01)
 * @param maxBytes        payload bytes the durable queue holds; beyond, the same
 * @param maxAge          a queued message older than this when its turn comes is dropped and counted; zero = no limit
 * @param maxQos0Offline  QoS 0 messages kept in memory while the broker is unreachable; beyond, dropped and counted
 * @param writeDelay      while the broker is connected, how long a message may wait for the broker's acknowledgement
 *                        before it is written to the queue on disk instead (the first of the two acknowledges the
 *                        sensor); zero writes at once, as the broker's ack can then skip only writes still queued
 * @param maxLag          while the broker is connected, the longest a newly accepted message should wait to be sent:
 *                        past it (measured against the broker's recent acknowledgement rate) new messages are
 *                        acknowledged only by the broker, and past {@value #REFUSE_FACTOR} times it they are refused
 *                        with PUBACK 0x01 (congestion)
 */
public record OutboundOptions(int window, long maxMessages, long maxBytes, Duration maxAge, int maxQos0Offline,
                              Duration writeDelay, Duration maxLag) {

    /** Beyond this many times {@code maxLag} of backlog, new QoS 1/2 publishes are refused. */
    public static final int REFUSE_FACTOR = 4;
    public static final Duration DEFAULT_WRITE_DELAY = Duration.ofMillis(20);
    public static final Duration DEFAULT_MAX_LAG = Duration.ofMillis(250);

    public OutboundOptions {
        if (window < 1 || window > 65535) {
            throw new IllegalArgumentException("window must be 1..65535: " + window);
        }
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxMessages and maxBytes must be > 0");
        }
        if (maxAge == null || maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must be >= 0");
        }
        if (maxQos0Offline < 0) {
            throw new IllegalArgumentException("maxQos0Offline must be >= 0");
        }
        if (writeDelay == null || writeDelay.isNegative()) {
            throw new IllegalArgumentException("writeDelay must be >= 0");
        }
        if (maxLag == null || maxLag.isNegative() || maxLag.isZero()) {
            throw new IllegalArgumentException("maxLag must be > 0");
        }
    }

    /** With the default write delay and maximum lag. */
    public OutboundOptions(int window, long maxMessages, long maxBytes, Duration maxAge, int maxQos0Offline) {
        this(window, maxMessages, maxBytes, maxAge, maxQos0Offline, DEFAULT_WRITE_DELAY, DEFAULT_MAX_LAG);
    }

    public static OutboundOptions defaults() {
        return new OutboundOptions(1000, 1_000_000, 512L * 1024 * 1024, Duration.ofDays(7), 10_000);
    }

    public OutboundOptions withWriteDelay(Duration delay) {
        return new OutboundOptions(window, maxMessages, maxBytes, maxAge, maxQos0Offline, delay, maxLag);
    }

    public OutboundOptions withMaxLag(Duration lag) {
        return new OutboundOptions(window, maxMessages, maxBytes, maxAge, maxQos0Offline, writeDelay, lag);
    }
}
