package io.sngw.bridge.mqtt;

import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.UpstreamMessage;

/**
 * MQTT 5 PUBLISH packets (§3.3) written straight into a buffer, like {@link PublishEncoder} for 3.1.1, with the
 * properties the bridge adds: a Topic Alias (§3.3.2.3.4) for topics it has given one on this connection, the sensor
 * as two User Properties ({@value #CLIENT_ID_PROPERTY}, {@value #LINK_PROPERTY}), and a Message Expiry Interval for
 * QoS 0 that waited while the broker was unreachable. One per connection: aliases live as long as the connection
 * (§3.3.2.3.4). Upstream loop only.
 */
final class Mqtt5Publish {

    static final String CLIENT_ID_PROPERTY = "sngw-client-id";
    static final String LINK_PROPERTY = "sngw-link";
    private static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
    private static final int TOPIC_ALIAS = 0x23;
    private static final int USER_PROPERTY = 0x26;
    private static final int CLIENT_ID_BYTES = ByteBufUtil.utf8Bytes(CLIENT_ID_PROPERTY);
    private static final int LINK_BYTES = ByteBufUtil.utf8Bytes(LINK_PROPERTY);

    private final int maxAliases;
    private final Map<String, Integer> aliases = new HashMap<>();
    private final BridgeCounters counters;

    /** @param maxAliases the smaller of {@code upstream.topic-aliases} and the broker's Topic Alias Maximum */
    Mqtt5Publish(int maxAliases, BridgeCounters counters) {
        this.maxAliases = maxAliases;
        this.counters = counters;
    }

    int maxAliases() {
        return maxAliases;
    }

    /** An upper bound of the encoded size (UTF-8 takes at most 3 bytes per char). */
    static int maxEncodedLength(UpstreamMessage m) {
        int properties = 5 + 3 + 5;
        ClientRef c = m.client();
        if (c != null) {
            properties += 1 + 2 + CLIENT_ID_BYTES + 2 + c.clientId().length() * 3 + 1 + 2 + LINK_BYTES + 2
                    + c.linkKind().length() * 3;
        }
        return 1 + 4 + 2 + m.topic().length() * 3 + 2 + 4 + properties + m.payload().length;
    }

    /**
     * Appends one PUBLISH; {@code packetId} is ignored for QoS 0. {@code expirySeconds} > 0 adds a Message Expiry
     * Interval. The topic was checked by {@code Topics}.
     */
    void encode(ByteBuf out, UpstreamMessage m, int packetId, long expirySeconds) {
        String topic = m.topic();
        int alias = 0;
        boolean sendTopic = true;
        Integer known = aliases.get(topic);
        if (known != null) {
            alias = known;
            sendTopic = false;
            counters.increment(BridgeCounters.PUBLISH_ALIASED);
        } else if (aliases.size() < maxAliases) {
            alias = aliases.size() + 1;
            aliases.put(topic, alias); // the first publish carries both: the broker learns the mapping
        }
        ClientRef client = m.client();
        int clientIdBytes = client == null ? 0 : ByteBufUtil.utf8Bytes(client.clientId());
        int linkBytes = client == null ? 0 : ByteBufUtil.utf8Bytes(client.linkKind());
        int properties = (expirySeconds > 0 ? 5 : 0) + (alias > 0 ? 3 : 0)
                + (client == null ? 0 : 1 + 2 + CLIENT_ID_BYTES + 2 + clientIdBytes + 1 + 2 + LINK_BYTES + 2 + linkBytes);
        int topicBytes = sendTopic ? ByteBufUtil.utf8Bytes(topic) : 0;
        int qos = m.qos();
        int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + PublishEncoder.varIntLength(properties) + properties
                + m.payload().length;
        out.writeByte(0x30 | qos << 1 | (m.retain() ? 1 : 0));
        PublishEncoder.writeVarInt(out, remaining);
        out.writeShort(topicBytes);
        if (sendTopic) {
            ByteBufUtil.reserveAndWriteUtf8(out, topic, topicBytes);
        }
        if (qos > 0) {
            out.writeShort(packetId);
        }
        PublishEncoder.writeVarInt(out, properties);
        if (expirySeconds > 0) {
            out.writeByte(MESSAGE_EXPIRY_INTERVAL);
            out.writeInt((int) Math.min(expirySeconds, 0xFFFF_FFFFL));
        }
        if (alias > 0) {
            out.writeByte(TOPIC_ALIAS);
            out.writeShort(alias);
        }
        if (client != null) {
            writeUserProperty(out, CLIENT_ID_PROPERTY, CLIENT_ID_BYTES, client.clientId(), clientIdBytes);
            writeUserProperty(out, LINK_PROPERTY, LINK_BYTES, client.linkKind(), linkBytes);
        }
        out.writeBytes(m.payload());
    }

    private static void writeUserProperty(ByteBuf out, String name, int nameBytes, String value, int valueBytes) {
        out.writeByte(USER_PROPERTY);
        out.writeShort(nameBytes);
        ByteBufUtil.reserveAndWriteUtf8(out, name, nameBytes);
        out.writeShort(valueBytes);
        ByteBufUtil.reserveAndWriteUtf8(out, value, valueBytes);
    }
}
