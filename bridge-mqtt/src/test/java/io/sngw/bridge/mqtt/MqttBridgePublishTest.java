package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.failedAlready;
import static io.sngw.bridge.mqtt.TestBridges.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.UpstreamUnavailableException;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/** Publishing through the bridge to a real Mosquitto, as a Paho probe subscribed to t/# sees it. */
class MqttBridgePublishTest {

    private static final Duration WAIT = RecordingListener.WAIT;

    private MosquittoBroker broker;
    private BrokerProbe probe;
    private MqttBridge bridge;
    private RecordingListener listener;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
        probe.subscribe("t/#", 2);
        bridge = new MqttBridge(TestBridges.options(broker.port()));
        listener = new RecordingListener();
        bridge.start(listener);
        listener.awaitEvent(true);
    }

    @AfterEach
    void stop() {
        bridge.close();
        probe.close();
        broker.close();
    }

    @Test
    void qos0PublishArrivesAtQos0() {
        await(bridge.publish(message("t/0", "zero", 0, false)));
        ProbeMessage m = probe.awaitMessages(1, WAIT).get(0);
        assertEquals("t/0", m.topic());
        assertEquals("zero", m.payloadString());
        assertEquals(0, m.qos());
        assertFalse(m.retained());
    }

    @Test
    void aQos0PublishStaleBeforeItIsWrittenIsDroppedAndCountedWhileAFreshOneArrives() {
        CompletableFuture<Void> stale = bridge.publish(message("t/0", "stale", 0, false).staleAt(System.nanoTime() - 1));
        CompletableFuture<Void> fresh = bridge.publish(message("t/0", "fresh", 0, false)
                .staleAt(System.nanoTime() + Duration.ofMinutes(1).toNanos()));

        await(fresh);
        assertEquals("fresh", probe.awaitMessages(1, WAIT).get(0).payloadString());
        assertInstanceOf(UpstreamUnavailableException.class, TestBridges.failure(stale));
        assertEquals(1, bridge.qos0DroppedStale());
        // Written after the fresh one or not at all: a marker behind both shows the stale one never came.
        await(bridge.publish(message("t/end", "end", 1, false)));
        assertEquals(List.of("fresh", "end"), probe.awaitMessages(2, WAIT).stream().map(ProbeMessage::payloadString).toList());
    }

    @Test
    void qos1PublishArrivesAtQos1() {
        await(bridge.publish(message("t/1", "one", 1, false)));
        ProbeMessage m = probe.awaitMessages(1, WAIT).get(0);
        assertEquals("one", m.payloadString());
        assertEquals(1, m.qos());
        assertFalse(m.retained());
    }

    @Test
    void qos2PublishArrivesAtQos2ExactlyOnce() {
        await(bridge.publish(message("t/2", "two", 2, false)));
        // The marker goes at QoS 2 too: Paho hands a QoS 2 message over only on PUBREL, so a QoS 1 marker could
        // overtake it at the probe.
        await(bridge.publish(message("t/end", "end", 2, false)));
        List<ProbeMessage> got = probe.awaitMessages(2, WAIT);
        assertEquals(List.of("two", "end"), got.stream().map(ProbeMessage::payloadString).toList());
        assertEquals(2, got.get(0).qos());
        assertFalse(got.get(0).duplicate());
    }

    @Test
    void retainedPublishReachesLaterSubscribersWithRetainFlag() {
        await(bridge.publish(message("t/r", "kept", 1, true)));
        ProbeMessage live = probe.awaitMessages(1, WAIT).get(0);
        assertFalse(live.retained(), "a live message to an existing subscriber carries retain=0 (MQTT 3.1.1 §3.3.1.3)");
        try (BrokerProbe late = new BrokerProbe(broker.url())) {
            late.subscribe("t/r", 1);
            ProbeMessage stored = late.awaitMessages(1, WAIT).get(0);
            assertEquals("kept", stored.payloadString());
            assertTrue(stored.retained());
            late.clearRetained("t/r");
        }
    }

    @Test
    void publishesFromManyThreadsAllArriveInPerThreadOrder() throws Exception {
        int threads = 4;
        int perThread = 250;
        List<Thread> workers = new ArrayList<>();
        List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    futures.add(bridge.publish(message("t/many/" + thread, Integer.toString(i), 1, false)));
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        futures.forEach(TestBridges::await);
        List<ProbeMessage> got = probe.awaitMessages(threads * perThread, WAIT);
        assertEquals(threads * perThread, got.size());
        for (int t = 0; t < threads; t++) {
            String topic = "t/many/" + t;
            List<String> payloads = got.stream().filter(m -> m.topic().equals(topic)).map(ProbeMessage::payloadString)
                    .toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, payloads, topic);
        }
    }

    @Test
    void publishWhileBrokerIsDownFailsAtOnce() {
        broker.stop();
        listener.awaitEvent(false);
        assertFalse(bridge.isConnected());
        CompletableFuture<Void> f = bridge.publish(message("t/down", "lost", 1, false));
        Throwable cause = failedAlready(f);
        assertInstanceOf(UpstreamUnavailableException.class, cause);
        assertTrue(cause.getMessage().startsWith("not connected to broker 127.0.0.1:"), cause.getMessage());
    }

    @Test
    void publishToWildcardTopicIsRefusedWithoutDisturbingTheConnection() {
        Throwable cause = failedAlready(bridge.publish(message("t/+/x", "bad", 1, false)));
        assertInstanceOf(IllegalArgumentException.class, cause);
        assertEquals("topic name must not contain the wildcard '+': 't/+/x'", cause.getMessage());
        await(bridge.publish(message("t/ok", "fine", 1, false)));
        assertEquals("fine", probe.awaitMessages(1, WAIT).get(0).payloadString());
        assertTrue(bridge.isConnected());
    }
}
