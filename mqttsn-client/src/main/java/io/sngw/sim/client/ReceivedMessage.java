package io.sngw.sim.client;

import io.sngw.core.codec.TopicRef;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A PUBLISH the gateway delivered to the client.
 *
 * @param topic    the topic name, resolved from ids the client learned (REGISTER, REGACK, SUBACK), its predefined
 *                 ids, or the short name itself; null when the client knows no name for the id
 * @param topicRef the topic as it was on the wire
 * @param payload  the data; not copied, because benchmarks receive many and nobody mutates them
 * @param qos      -1..2 as sent by the gateway
 * @param dup      the DUP flag as sent (a QoS 2 resend is delivered only once, so this shows QoS 1 redeliveries)
 */
public record ReceivedMessage(String topic, TopicRef topicRef, byte[] payload, int qos, boolean retain, boolean dup) {

    public ReceivedMessage {
        Objects.requireNonNull(topicRef, "topicRef");
        Objects.requireNonNull(payload, "payload");
    }

    /** The payload as UTF-8 text, for tests and logs. */
    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedMessage m && Objects.equals(m.topic, topic) && m.topicRef.equals(topicRef)
                && Arrays.equals(m.payload, payload) && m.qos == qos && m.retain == retain && m.dup == dup;
    }

    @Override
    public int hashCode() {
        return (Objects.hashCode(topic) * 31 + topicRef.hashCode()) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ReceivedMessage[topic=" + topic + ", topicRef=" + topicRef + ", payload=" + payload.length
                + " bytes, qos=" + qos + ", retain=" + retain + ", dup=" + dup + "]";
    }
}
