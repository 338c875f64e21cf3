package io.sngw.core.store;

import java.util.Map;
import java.util.Set;

/**
 * A client's session as it survives a restart. Timers are not kept: a restored session gets a fresh keep-alive
 * (or sleep) period from the moment of restoration.
 *
 * @param linkName       the {@link io.sngw.core.link.Link#name()} it was reached on, null when disconnected
 * @param address        its address on that link in the link's persistent form, null when disconnected
 * @param will           null when the client has no will
 * @param topics         topic id → topic name: the client's registrations (REGISTER, SUBSCRIBE, gateway REGISTER)
 * @param subscriptions  topic filter → granted QoS
 * @param awaitingPubRel QoS 2 message ids answered with PUBREC whose PUBREL has not come yet (duplicate detection)
 */
public record SessionRecord(String clientId, boolean cleanSession, Status status, int keepAliveSeconds,
                            int sleepSeconds, String linkName, byte[] address, StoredWill will,
                            Map<Integer, String> topics, Map<String, Integer> subscriptions,
                            Set<Integer> awaitingPubRel) {

    public enum Status { ACTIVE, ASLEEP, DISCONNECTED }

    public SessionRecord {
        if (clientId == null || clientId.isEmpty()) {
            throw new IllegalArgumentException("client id must not be empty");
        }
        topics = Map.copyOf(topics);
        subscriptions = Map.copyOf(subscriptions);
        awaitingPubRel = Set.copyOf(awaitingPubRel);
    }

    /** A will as stored: topic name, message, MQTT QoS 0..2, retain. */
    public record StoredWill(String topic, byte[] message, int qos, boolean retain) {
    }
}
