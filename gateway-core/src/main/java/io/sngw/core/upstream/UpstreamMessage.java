package io.sngw.core.upstream;

import java.util.Arrays;

/**
 * A message crossing the bridge in either direction: topic name, payload, MQTT QoS 0..2, retain.
 *
 * @param staleAtNanos for a QoS 0 message to the broker: the {@link System#nanoTime()} after which it is worth less
 *                     than the link capacity it would take, so the bridge drops it (counted) instead of writing it;
 *                     0 = never stale. Not part of the message's identity ({@link #equals}).
 */
public record UpstreamMessage(String topic, byte[] payload, int qos, boolean retain, long staleAtNanos) {

    public UpstreamMessage(String topic, byte[] payload, int qos, boolean retain) {
        this(topic, payload, qos, retain, 0);
    }

    /** The same message, stale after {@code nanoTime}. */
    public UpstreamMessage staleAt(long nanoTime) {
        return new UpstreamMessage(topic, payload, qos, retain, nanoTime == 0 ? 1 : nanoTime);
    }

    /** Whether it has a deadline and {@code now} (a {@link System#nanoTime()}) is past it. */
    public boolean staleBy(long now) {
        return staleAtNanos != 0 && now - staleAtNanos > 0;
    }

    public UpstreamMessage {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("MQTT QoS must be 0..2: " + qos);
        }
        payload = payload == null ? new byte[0] : payload;
    }

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
        return "UpstreamMessage[topic=" + topic + ", qos=" + qos + ", retain=" + retain + ", " + payload.length + " bytes]";
    }
}
