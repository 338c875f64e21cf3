package io.sngw.core.store;

/**
 * A broker → client message held for a client: buffered while it sleeps or is offline, or sent and not yet
 * acknowledged. {@code seq} orders a client's messages and identifies one for deletion.
 *
 * @param msgId    the message id it was sent with, 0 while it was never sent: a resend (after a reconnect, a wake or
 *                 a restart) must carry the same id with DUP, or the client cannot tell it is a repeat
 * @param released QoS 2 only: the client answered PUBREC and was sent PUBREL, so the delivery resumes with PUBREL,
 *                 never with the PUBLISH again
 */
public record PendingMessage(String clientId, long seq, String topic, byte[] payload, int qos, boolean retain,
                             int msgId, boolean released) {

    /** A message not sent yet. */
    public PendingMessage(String clientId, long seq, String topic, byte[] payload, int qos, boolean retain) {
        this(clientId, seq, topic, payload, qos, retain, 0, false);
    }
}
