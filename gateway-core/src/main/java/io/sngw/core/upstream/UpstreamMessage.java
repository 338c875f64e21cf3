package io.sngw.core.upstream;

import java.util.Arrays;

/** A message crossing the bridge in either direction: topic name, payload, MQTT QoS 0..2, retain. */
public record UpstreamMessage(String topic, byte[] payload, int qos, boolean retain) {
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
