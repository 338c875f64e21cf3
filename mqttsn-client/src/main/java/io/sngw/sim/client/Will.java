package io.sngw.sim.client;

import java.util.Arrays;
import java.util.Objects;

/** A will the client hands over in the CONNECT dialogue: published by the gateway if the client is lost. */
public record Will(String topic, byte[] message, int qos, boolean retain) {

    public Will {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("will topic must not be empty");
        }
        Objects.requireNonNull(message, "message");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("will QoS must be 0..2: " + qos);
        }
        message = message.clone();
    }

    @Override
    public byte[] message() {
        return message.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Will w && w.topic.equals(topic) && Arrays.equals(w.message, message) && w.qos == qos
                && w.retain == retain;
    }

    @Override
    public int hashCode() {
        return (topic.hashCode() * 31 + Arrays.hashCode(message)) * 31 + qos;
    }

    @Override
    public String toString() {
        return "Will[topic=" + topic + ", message=" + message.length + " bytes, qos=" + qos + ", retain=" + retain + "]";
    }
}
