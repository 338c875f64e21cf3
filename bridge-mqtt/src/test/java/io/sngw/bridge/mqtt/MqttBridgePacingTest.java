package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.eventually;
import static io.sngw.bridge.mqtt.TestBridges.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.FreshQos0Upstream;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/**
 * QoS 0 towards a real Mosquitto behind a relay that can stop reading: the bridge writes only what the broker drains
 * (it stops taking QoS 0 while the channel is not writable, refuses the excess as saturated, counted), and a QoS 0
 * message older than upstream.qos0-max-age, counted from its datagram's arrival, is dropped instead of written.
 */
class MqttBridgePacingTest {
    private static final Duration WAIT = RecordingListener.WAIT;

    private MosquittoBroker broker;
    private TcpRelay relay;
    private BrokerProbe probe;
    private MqttBridge bridge;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        relay = new TcpRelay(broker.port());
        probe = new BrokerProbe(broker.url());
        probe.subscribe("t/#", 1);
        bridge = new MqttBridge(TestBridges.options(relay.port()));
        RecordingListener listener = new RecordingListener();
        bridge.start(listener);
        listener.awaitEvent(true);
    }

    @AfterEach
    void stop() {
        relay.resumeUpstream();
        bridge.close();
        relay.close();
        probe.close();
        broker.close();
    }

    @Test
    void aQos0MessageReceivedLongerAgoThanTheBoundIsDroppedAndCountedOneWithinItIsDelivered() {
        Upstream fresh = new FreshQos0Upstream(bridge, Duration.ofMillis(100));
        long now = System.nanoTime();
        CompletableFuture<Void> old = fresh.publish(message("t/0", "old", 0, false)
                .receivedAt(now - Duration.ofMillis(150).toNanos()));
        CompletableFuture<Void> recent = fresh.publish(message("t/0", "recent", 0, false).receivedAt(now));

        await(recent);
        assertInstanceOf(CompletionException.class, catchFailure(old));
        assertEquals(1, bridge.qos0DroppedStale());
        await(bridge.publish(message("t/end", "end", 1, false)));
        assertEquals(List.of("recent", "end"),
                probe.awaitMessages(2, WAIT).stream().map(ProbeMessage::payloadString).toList());
    }

    @Test
    void whileTheBrokerStopsReadingTheBridgeStopsTakingQos0AndRefusesTheExcessAsSaturated() {
        relay.pauseUpstream();
        byte[] payload = "x".repeat(2048).getBytes(StandardCharsets.UTF_8);
        // 80 MB offered: far more than the loopback sockets' buffers and the bridge's QoS 0 permits hold.
        int offered = 40_000;
        List<CompletableFuture<Void>> futures = new ArrayList<>(offered);
        for (int i = 0; i < offered; i++) {
            futures.add(bridge.publish(new UpstreamMessage("t/q0", payload, 0, false)));
        }

        long saturated = futures.stream().filter(f -> f.isCompletedExceptionally()
                && TestBridges.failure(f).getMessage().contains("saturated")).count();
        assertTrue(saturated > 0, "nothing refused while the broker read nothing");
        assertEquals(saturated, bridge.qos0DroppedSaturated());
        // Not taken while the channel is unwritable: what waits is what the permits allow, no more.
        long waiting = futures.stream().filter(f -> !f.isDone()).count();
        assertTrue(waiting > 0 && waiting <= Qos0Permits.MAX, "waiting: " + waiting);
        long failed = futures.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertEquals(saturated, failed, "every refusal is a counted saturation");

        relay.resumeUpstream();
        eventually(() -> futures.stream().allMatch(CompletableFuture::isDone), "the waiting ones to be written");
        assertEquals(offered - saturated, futures.stream().filter(f -> !f.isCompletedExceptionally()).count());
        await(bridge.publish(message("t/end", "end", 1, false))); // the link carries on as before
    }

    private static Throwable catchFailure(CompletableFuture<Void> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e;
        }
    }
}
