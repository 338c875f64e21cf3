package io.sngw.bridge.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sngw.core.upstream.UpstreamMessage;

/**
 * Writes MQTT 3.1.1 PUBLISH packets straight into a buffer (§3.3): fixed header, remaining length, topic, packet id,
 * payload. Why not Netty's {@code MqttEncoder}: it builds a message object, a pipeline pass, an output list and a
 * buffer per packet; the bridge puts a whole batch of publishes into one buffer and writes that once.
 */
final class PublishEncoder {
    private PublishEncoder() {
    }

    /** An upper bound of the encoded size, to size the batch buffer (UTF-8 takes at most 3 bytes per char). */
    static int maxEncodedLength(UpstreamMessage message) {
        return 1 + 4 + 2 + message.topic().length() * 3 + 2 + message.payload().length;
    }

    /** Appends one PUBLISH; {@code packetId} is ignored for QoS 0. The topic was checked by {@code Topics}. */
    static void encode(ByteBuf out, UpstreamMessage message, int packetId) {
        int topicBytes = ByteBufUtil.utf8Bytes(message.topic());
        int qos = message.qos();
        int remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + message.payload().length;
        out.writeByte(0x30 | qos << 1 | (message.retain() ? 1 : 0));
        writeVarInt(out, remaining);
        out.writeShort(topicBytes);
        ByteBufUtil.reserveAndWriteUtf8(out, message.topic(), topicBytes);
        if (qos > 0) {
            out.writeShort(packetId);
        }
        out.writeBytes(message.payload());
    }

    /** MQTT's variable byte integer (remaining length, MQTT 5 property length). */
    static void writeVarInt(ByteBuf out, int length) {
        do {
            int digit = length & 0x7F;
            length >>>= 7;
            out.writeByte(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
    }

    static int varIntLength(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }
}
