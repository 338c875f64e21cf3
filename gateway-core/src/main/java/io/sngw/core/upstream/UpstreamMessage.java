package io.sngw.core.upstream;

import java.util.Arrays;

/**
 * A message crossing the bridge in either direction: topic name, payload, MQTT QoS 0..2, retain.
 *
 * @param client          towards the broker, the sensor it is from; from the broker, the one sensor it is for where
 *                        the bridge knows (a connection of that sensor's own, a topic template naming it), which then
 *                        limits its delivery to that sensor; null when it is no one sensor's (QoS −1)
 * @param heldSinceMillis when it was set aside because the broker was unreachable (QoS 0 kept in memory), so that
 *                        the bridge can expire it; 0 when it was not
 * @param staleAtNanos    for a QoS 0 message to the broker: the {@link System#nanoTime()} after which it is worth less
 *                        than the link capacity it would take, so the bridge drops it (counted) instead of writing it;
 *                        0 = never stale
 * @param receivedAtNanos the {@link System#nanoTime()} at which the datagram that carried it reached the gateway (the
 *                        transport handing it to the core, before any queue), from which a QoS 0 message's age is
 *                        counted; 0 when unknown (not from a sensor)
 */
public record UpstreamMessage(String topic, byte[] payload, int qos, boolean retain, ClientRef client,
                              long heldSinceMillis, long staleAtNanos, long receivedAtNanos) {
    public UpstreamMessage {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("MQTT QoS must be 0..2: " + qos);
        }
        payload = payload == null ? new byte[0] : payload;
    }

    public UpstreamMessage(String topic, byte[] payload, int qos, boolean retain) {
        this(topic, payload, qos, retain, null, 0, 0, 0);
    }

    public UpstreamMessage(String topic, byte[] payload, int qos, boolean retain, ClientRef client) {
        this(topic, payload, qos, retain, client, 0, 0, 0);
    }

    public UpstreamMessage(String topic, byte[] payload, int qos, boolean retain, ClientRef client,
                           long heldSinceMillis, long staleAtNanos) {
        this(topic, payload, qos, retain, client, heldSinceMillis, staleAtNanos, 0);
    }

    public UpstreamMessage(String topic, byte[] payload, int qos, boolean retain, ClientRef client,
                           long heldSinceMillis) {
        this(topic, payload, qos, retain, client, heldSinceMillis, 0, 0);
    }

    /** The same message, set aside at {@code millis} (wall clock) while the broker is unreachable. */
    public UpstreamMessage heldSince(long millis) {
        return new UpstreamMessage(topic, payload, qos, retain, client, millis, staleAtNanos, receivedAtNanos);
    }

    /** The same message, stale after {@code nanoTime}. */
    public UpstreamMessage staleAt(long nanoTime) {
        return new UpstreamMessage(topic, payload, qos, retain, client, heldSinceMillis, nanoTime == 0 ? 1 : nanoTime,
                receivedAtNanos);
    }

    /** The same message, its datagram received at {@code nanoTime} ({@link System#nanoTime()}). */
    public UpstreamMessage receivedAt(long nanoTime) {
        return new UpstreamMessage(topic, payload, qos, retain, client, heldSinceMillis, staleAtNanos,
                nanoTime == 0 ? 1 : nanoTime);
    }

    /** Whether it has a deadline and {@code now} (a {@link System#nanoTime()}) is past it. */
    public boolean staleBy(long now) {
        return staleAtNanos != 0 && now - staleAtNanos > 0;
    }

    /** The same message under another topic name (a topic template applied or undone). */
    public UpstreamMessage withTopic(String newTopic) {
        return new UpstreamMessage(newTopic, payload, qos, retain, client, heldSinceMillis, staleAtNanos,
                receivedAtNanos);
    }

    /** The same message, for or from {@code newClient}. */
    public UpstreamMessage withClient(ClientRef newClient) {
        return new UpstreamMessage(topic, payload, qos, retain, newClient, heldSinceMillis, staleAtNanos,
                receivedAtNanos);
    }

    /** The same message at another QoS and retain flag (what a platform takes); who sent it and its ages kept. */
    public UpstreamMessage withQosAndRetain(int newQos, boolean newRetain) {
        return new UpstreamMessage(topic, payload, newQos, newRetain, client, heldSinceMillis, staleAtNanos,
                receivedAtNanos);
    }

    /**
     * Topic, payload, QoS and retain: who sent it, how long it waited and when it goes stale are not part of a
     * message's identity.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof UpstreamMessage m && m.topic.equals(topic) && m.qos == qos && m.retain == retain
                && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return topic.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "UpstreamMessage[topic=" + topic + ", qos=" + qos + ", retain=" + retain + ", " + payload.length + " bytes"
                + (client == null ? "" : ", client=" + client.clientId() + "/" + client.linkKind()) + "]";
    }
}
