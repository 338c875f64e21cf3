package io.sngw.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A message as the probe received it from the broker. The payload array is the probe's own copy. */
public record ProbeMessage(String topic, byte[] payload, int qos, boolean retained, boolean duplicate) {

    public ProbeMessage {
        payload = payload == null ? new byte[0] : payload;
    }

    public String payloadString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProbeMessage m && m.topic.equals(topic) && Arrays.equals(m.payload, payload) && m.qos == qos
                && m.retained == retained && m.duplicate == duplicate;
    }

    @Override
    public int hashCode() {
        return topic.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        String text = payloadString();
        return topic + " qos" + qos + (retained ? " retained" : "") + (duplicate ? " dup" : "") + " '"
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "' (" + payload.length + " bytes)";
    }
}
