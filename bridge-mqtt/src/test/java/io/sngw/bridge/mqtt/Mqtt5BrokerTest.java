package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/** The bridge speaking MQTT 5 to a real Mosquitto, as its subscribers and the bytes on the wire show it. */
class Mqtt5BrokerTest {

    private static final Duration WAIT = RecordingListener.WAIT;
    private static final String LONG_TOPIC = "sites/warehouse-7/building-3/floor-2/room-12/temperature";
    private static final ClientRef SENSOR = new ClientRef("sensor-42", "dtls");

    private MosquittoBroker broker;
    private BrokerProbe probe;
    private MqttBridge bridge;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
        probe.subscribe("#", 1);
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        probe.close();
        broker.close();
    }

    private MqttBridge connect(int port, ProtocolOptions protocol) {
        MqttBridge b = new MqttBridge(TestBridges.options(port), protocol);
        RecordingListener listener = new RecordingListener();
        b.start(listener);
        listener.awaitEvent(true);
        return b;
    }

    private static UpstreamMessage reading(int i) {
        return new UpstreamMessage(LONG_TOPIC, ("21." + i).getBytes(StandardCharsets.UTF_8), 1, false, SENSOR);
    }

    @Test
    void userPropertiesNameTheSensorAndItsLinkToAnMqtt5Subscriber() throws Exception {
        Process sub = new ProcessBuilder("mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                String.valueOf(broker.port()), "-t", "t/#", "-C", "1", "-F", "%t|%P|%p").redirectErrorStream(true).start();
        try {
            bridge = connect(broker.port(), ProtocolOptions.mqtt5());
            BufferedReader out = new BufferedReader(new InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // mosquitto_sub subscribes some time after it starts: publish until it has printed a line
            TestBridges.eventually(() -> {
                await(bridge.publish(new UpstreamMessage("t/a", "hi".getBytes(StandardCharsets.UTF_8), 1, false,
                        SENSOR)));
                try {
                    line.get(100, TimeUnit.MILLISECONDS);
                    return true;
                } catch (Exception notYet) {
                    return false;
                }
            }, "a line from mosquitto_sub -V mqttv5");
            assertEquals("t/a|sngw-client-id:sensor-42 sngw-link:dtls|hi", line.get());
        } finally {
            sub.destroy();
            sub.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void topicAliasesReplaceARepeatedTopicOnTheWireAndTheBrokerResolvesThem() throws Exception {
        int n = 200;
        long withAliases = bytesPerMessage(ProtocolOptions.mqtt5().withTopicAliases(10), n);
        long aliased = bridge.counters().get(BridgeCounters.PUBLISH_ALIASED);
        bridge.close();
        probe.clear();
        long without = bytesPerMessage(ProtocolOptions.mqtt5().withTopicAliases(0), n);
        bridge.close();
        probe.clear();
        long mqtt311 = bytesPerMessage(ProtocolOptions.MQTT_3_1_1, n);
        System.out.printf("bytes on the wire per QoS 1 publish (%d-byte topic, 4-5-byte payload): MQTT 5 with user "
                + "properties %d with topic aliases, %d without; MQTT 3.1.1 %d%n", LONG_TOPIC.length(), withAliases,
                without, mqtt311);
        assertEquals(n - 1, aliased, "every publish after the first goes with its alias only");
        // the topic's bytes, less the 3 of the alias property, are saved on every aliased publish
        assertTrue(without - withAliases >= LONG_TOPIC.length() - 3 - 1, without + " vs " + withAliases);
    }

    /** Publishes n readings through a counting proxy; all must reach the probe under their full topic. */
    private long bytesPerMessage(ProtocolOptions protocol, int n) throws Exception {
        try (CountingProxy proxy = new CountingProxy(broker.port())) {
            bridge = connect(proxy.port(), protocol);
            long before = proxy.clientBytes();
            for (int i = 0; i < n; i++) {
                await(bridge.publish(reading(i)));
            }
            List<ProbeMessage> received = probe.awaitMessages(n, WAIT);
            for (ProbeMessage m : received) {
                assertEquals(LONG_TOPIC, m.topic());
            }
            return Math.round((proxy.clientBytes() - before) / (double) n);
        }
    }

    @Test
    void qos0HeldWhileTheBrokerWasAwayIsDroppedOnceOlderThanItsExpiry() {
        bridge = connect(broker.port(), ProtocolOptions.mqtt5().withQos0OfflineExpiry(Duration.ofSeconds(5)));
        long now = System.currentTimeMillis();
        await(bridge.publish(new UpstreamMessage("t/stale", new byte[] {1}, 0, false, SENSOR).heldSince(now - 6_000)));
        await(bridge.publish(new UpstreamMessage("t/fresh", new byte[] {2}, 0, false, SENSOR).heldSince(now - 1_000)));
        assertEquals("t/fresh", probe.awaitMessages(1, WAIT).get(0).topic());
        assertEquals(1, bridge.counters().get(BridgeCounters.QOS0_OFFLINE_EXPIRED));
    }
}
