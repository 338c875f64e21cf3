package io.sngw.bridge.mqtt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

/** Publishes encoded into one buffer; the QoS 0 ones complete when it is written. Upstream loop only. */
final class PublishBatch {
    private static final int INITIAL_BYTES = 16 * 1024;
    /** As much as the connection lets wait ({@link BrokerChannels#WATER_MARK}): a batch is written whole. */
    private static final int FULL_BYTES = BrokerChannels.WATER_MARK.high();

    private final ByteBuf buffer;
    private final Qos0Permits qos0Permits;
    private final List<CompletableFuture<Void>> qos0 = new ArrayList<>();
    private final WriteLatency latency;
    /** QoS and arrival time of each message whose arrival is known, measured when the buffer reaches the socket. */
    private int[] qosOf = new int[0];
    private long[] receivedAt = new long[0];
    private int timed;

    PublishBatch(ByteBufAllocator alloc, Qos0Permits qos0Permits, WriteLatency latency) {
        this.buffer = alloc.buffer(INITIAL_BYTES);
        this.qos0Permits = qos0Permits;
        this.latency = latency;
    }

    boolean isFull() {
        return buffer.readableBytes() >= FULL_BYTES;
    }

    boolean isEmpty() {
        return buffer.readableBytes() == 0;
    }

    /** @param mqtt5 the connection's MQTT 5 encoder, null on 3.1.1; {@code expirySeconds} > 0: message expiry */
    void add(UpstreamMessage message, int packetId, CompletableFuture<Void> future, Mqtt5Publish mqtt5,
             long expirySeconds) {
        if (mqtt5 == null) {
            buffer.ensureWritable(PublishEncoder.maxEncodedLength(message));
            PublishEncoder.encode(buffer, message, packetId);
        } else {
            buffer.ensureWritable(Mqtt5Publish.maxEncodedLength(message));
            mqtt5.encode(buffer, message, packetId, expirySeconds);
        }
        if (message.qos() == 0) {
            qos0.add(future);
        }
        if (message.receivedAtNanos() != 0) {
            if (timed == receivedAt.length) {
                int n = Math.max(16, timed * 2);
                receivedAt = Arrays.copyOf(receivedAt, n);
                qosOf = Arrays.copyOf(qosOf, n);
            }
            receivedAt[timed] = message.receivedAtNanos();
            qosOf[timed++] = message.qos();
        }
    }

    void write(BrokerConnection connection) {
        ChannelFuture written = connection.write(buffer);
        if (timed > 0) {
            written.addListener(f -> {
                long now = System.nanoTime();
                for (int i = 0; i < timed; i++) {
                    latency.record(qosOf[i], now - receivedAt[i]);
                }
            });
        }
        if (qos0.isEmpty()) {
            return;
        }
        written.addListener(f -> {
            Throwable failure = f.isSuccess() ? null : new UpstreamUnavailableException(
                    "QoS 0 publish not written to broker: " + Packets.describe(f.cause()));
            for (CompletableFuture<Void> future : qos0) {
                qos0Permits.release();
                if (failure == null) {
                    future.complete(null);
                } else {
                    future.completeExceptionally(failure);
                }
            }
        });
    }
}
