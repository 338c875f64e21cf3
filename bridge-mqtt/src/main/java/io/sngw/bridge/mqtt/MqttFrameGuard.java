package io.sngw.bridge.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Cuts the inbound byte stream into whole MQTT packets before Netty's {@code MqttDecoder}, and keeps oversized
 * PUBLISH packets out of memory: their topic and packet id are read, the rest is skipped as it arrives, and an
 * {@link OversizedPublish} goes up the pipeline instead. Without this a single large retained message would make the
 * decoder fail on every (re)subscription and the bridge would reconnect forever. Any other packet over the limit, or a
 * remaining-length field longer than four bytes, is a protocol error ({@link io.netty.handler.codec.DecoderException}).
 */
final class MqttFrameGuard extends ByteToMessageDecoder {

    private static final int PUBLISH = 3;

    private final int maxPacketBytes;
    private long skipping; // bytes of an oversized PUBLISH still to discard
    private boolean failed; // after a protocol error everything else is discarded (the bridge closes the channel)

    MqttFrameGuard(int maxPacketBytes) {
        this.maxPacketBytes = maxPacketBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            frame(in, out);
        } catch (DecoderException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void frame(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (skipping > 0) {
                int n = (int) Math.min(skipping, in.readableBytes());
                in.skipBytes(n);
                skipping -= n;
                continue;
            }
            int start = in.readerIndex();
            int readable = in.readableBytes();
            if (readable < 2) {
                return;
            }
            int first = in.getUnsignedByte(start);
            int remaining = 0;
            int multiplier = 1;
            int headerLength = 1;
            boolean complete = false;
            for (int i = 1; i <= 4; i++) {
                if (readable < i + 1) {
                    return; // the length field is not all here yet
                }
                int b = in.getUnsignedByte(start + i);
                remaining += (b & 0x7F) * multiplier;
                multiplier <<= 7;
                headerLength++;
                if ((b & 0x80) == 0) {
                    complete = true;
                    break;
                }
            }
            if (!complete) {
                throw new CorruptedFrameException("remaining length of a packet from the broker is longer than 4 bytes");
            }
            int type = first >> 4;
            if (remaining <= maxPacketBytes) {
                if (readable < headerLength + remaining) {
                    return;
                }
                out.add(in.readRetainedSlice(headerLength + remaining));
                continue;
            }
            if (type != PUBLISH) {
                throw new TooLongFrameException("packet type " + type + " from the broker has " + remaining
                        + " bytes, more than the " + maxPacketBytes + " accepted");
            }
            int qos = (first >> 1) & 0x03;
            if (qos == 3) {
                throw new CorruptedFrameException("PUBLISH from the broker with QoS bits 11");
            }
            if (readable < headerLength + 2) {
                return;
            }
            int topicLength = in.getUnsignedShort(start + headerLength);
            int idLength = qos > 0 ? 2 : 0;
            int head = 2 + topicLength + idLength;
            if (head > remaining) {
                throw new CorruptedFrameException("PUBLISH from the broker: topic length " + topicLength
                        + " exceeds the remaining length " + remaining);
            }
            if (readable < headerLength + head) {
                return;
            }
            String topic = in.toString(start + headerLength + 2, topicLength, StandardCharsets.UTF_8);
            int packetId = qos > 0 ? in.getUnsignedShort(start + headerLength + 2 + topicLength) : 0;
            in.skipBytes(headerLength + head);
            skipping = remaining - head;
            out.add(new OversizedPublish(topic, qos, packetId, remaining));
        }
    }
}
