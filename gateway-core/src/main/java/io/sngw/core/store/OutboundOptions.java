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
 */
public record OutboundOptions(int window, long maxMessages, long maxBytes, Duration maxAge, int maxQos0Offline) {

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
    }

    public static OutboundOptions defaults() {
        return new OutboundOptions(1000, 1_000_000, 512L * 1024 * 1024, Duration.ofDays(7), 10_000);
    }
}
