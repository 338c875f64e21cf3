package io.sngw.core.store;

/**
 * A broker → client message held for a client: buffered while it sleeps or is offline, or sent and not yet
 * acknowledged. {@code seq} orders a client's messages and identifies one for deletion.
 */
public record PendingMessage(String clientId, long seq, String topic, byte[] payload, int qos, boolean retain) {
}
