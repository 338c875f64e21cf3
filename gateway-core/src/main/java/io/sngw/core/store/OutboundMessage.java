package io.sngw.core.store;

/**
 * A client → broker message in the durable outbound queue. {@code seq} is global and strictly increasing: it is
 * the order in which the queue drains. {@code clientId} is for diagnostics and per-client accounting only.
 */
public record OutboundMessage(long seq, String clientId, String topic, byte[] payload, int qos, boolean retain,
                              long enqueuedAtMillis) {
}
