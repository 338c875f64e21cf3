package io.sngw.core.store;

import io.sngw.core.upstream.ClientRef;

/**
 * A client → broker message in the durable outbound queue. {@code seq} is global and strictly increasing: it is
 * the order in which the queue drains. {@code clientId} and {@code linkKind} name the sensor it came from, so that
 * it leaves with the same origin after a restart (MQTT 5 user properties, transparent mode's connection per sensor,
 * topic templates); an empty client id means none (QoS −1), a null link kind one not recorded (an older queue).
 */
public record OutboundMessage(long seq, String clientId, String topic, byte[] payload, int qos, boolean retain,
                              long enqueuedAtMillis, String linkKind) {

    public OutboundMessage(long seq, String clientId, String topic, byte[] payload, int qos, boolean retain,
                           long enqueuedAtMillis) {
        this(seq, clientId, topic, payload, qos, retain, enqueuedAtMillis, null);
    }

    /** The sensor it came from, or null. */
    public ClientRef client() {
        return clientId == null || clientId.isEmpty() ? null : new ClientRef(clientId, linkKind);
    }
}
