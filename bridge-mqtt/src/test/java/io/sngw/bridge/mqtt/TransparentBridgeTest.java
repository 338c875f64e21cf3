package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.SensorConnection;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/** Transparent mode against a real Mosquitto: one connection per sensor, as the broker sees it. */
class TransparentBridgeTest {

    private static final Duration WAIT = RecordingListener.WAIT;

    private MosquittoBroker broker;
    private BrokerProbe probe;
    private TransparentBridge bridge;
    private RecordingListener listener;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
        listener = new RecordingListener();
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        probe.close();
        broker.close();
    }

    private void connect(int maxConnections) {
        bridge = new TransparentBridge(TestBridges.options(broker.port()),
                ProtocolOptions.mqtt5().withTopicTemplate(TopicTemplate.IDENTITY, "7"), "gw{gateway-id}-{client-id}",
                maxConnections);
        bridge.start(listener);
        listener.awaitEvent(true);
    }

    private static ClientRef sensor(int i) {
        return new ClientRef("s" + i, "udp");
    }

    private static UpstreamMessage text(String topic, String payload, int qos, ClientRef client) {
        return new UpstreamMessage(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, client);
    }

    private String brokerLog() {
        try {
            return Files.readString(broker.logFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fiftySensorsAreFiftyClientsAtTheBrokerEachPublishingUnderItsOwnClientId() {
        connect(100);
        probe.subscribe("t/#", 1);
        for (int i = 1; i <= 50; i++) {
            assertTrue(bridge.sensorConnected(new SensorConnection(sensor(i), true, 60, null)));
        }
        for (int i = 1; i <= 50; i++) {
            await(bridge.publish(text("t/" + i, "from s" + i, 1, sensor(i))));
        }
        assertEquals(50, probe.awaitMessages(50, WAIT).size());
        assertEquals(50, bridge.openConnections());
        eventually(() -> {
            String log = brokerLog();
            for (int i = 1; i <= 50; i++) {
                if (!log.contains(" as gw7-s" + i + " ")) {
                    return false;
                }
            }
            return true;
        }, "50 client connections named gw7-s1..gw7-s50 in Mosquitto's log");
    }

    @Test
    void aLostSensorsWillIsPublishedByTheBroker() {
        connect(10);
        probe.subscribe("wills/#", 1);
        UpstreamMessage will = text("wills/s1", "s1 vanished", 1, sensor(1));
        assertTrue(bridge.sensorConnected(new SensorConnection(sensor(1), true, 60, will)));
        await(bridge.publish(text("t/1", "alive", 1, sensor(1)))); // its connection is up
        assertTrue(bridge.sensorDisconnected(sensor(1), true), "the broker publishes the will, not the gateway");
        ProbeMessage m = probe.awaitMessages(1, WAIT).get(0);
        assertEquals("wills/s1", m.topic());
        assertEquals("s1 vanished", m.payloadString());
        assertEquals(0, bridge.openConnections());
    }

    @Test
    void aSensorThatDisconnectsLeavesNoWill() {
        connect(10);
        probe.subscribe("wills/#", 1);
        UpstreamMessage will = text("wills/s1", "s1 vanished", 1, sensor(1));
        bridge.sensorConnected(new SensorConnection(sensor(1), true, 60, will));
        await(bridge.publish(text("t/1", "alive", 1, sensor(1))));
        assertFalse(bridge.sensorDisconnected(sensor(1), false));
        probe.publish("wills/marker", "after", 1, false);
        assertEquals("wills/marker", probe.awaitMessages(1, WAIT).get(0).topic());
    }

    @Test
    void aSleepingSensorsMessagesQueueAtTheBrokerAndReachItOnWaking() {
        connect(10);
        ClientRef s1 = sensor(1);
        bridge.sensorConnected(new SensorConnection(s1, false, 60, null));
        assertEquals(1, await(bridge.subscribe(s1, "cmd/s1", 1)));
        bridge.sensorAsleep(s1);
        eventually(() -> bridge.openConnections() == 0, "the sleeping sensor's connection ended");
        probe.publish("cmd/s1", "while asleep", 1, false);
        eventually(() -> brokerLog().contains("gw7-s1"), "the broker knowing the session");
        assertTrue(listener.messages().isEmpty(), "nothing reaches the gateway while the sensor sleeps");
        CompletableFuture<Void> fetched = bridge.sensorAwake(s1);
        await(fetched);
        List<UpstreamMessage> got = listener.messages();
        assertEquals(1, got.size(), RecordingListener.describe(got));
        assertEquals("cmd/s1", got.get(0).topic());
        assertEquals("while asleep", RecordingListener.payload(got.get(0)));
        assertEquals("s1", got.get(0).client().clientId(), "for that sensor only");
    }

    @Test
    void aConnectBeyondMaxConnectionsIsRefusedAndCounted() {
        connect(2);
        assertTrue(bridge.sensorConnected(new SensorConnection(sensor(1), true, 60, null)));
        assertTrue(bridge.sensorConnected(new SensorConnection(sensor(2), true, 60, null)));
        assertFalse(bridge.sensorConnected(new SensorConnection(sensor(3), true, 60, null)));
        assertEquals(1, bridge.counters().get(BridgeCounters.CONNECTIONS_REFUSED));
        bridge.sensorDisconnected(sensor(1), false);
        assertTrue(bridge.sensorConnected(new SensorConnection(sensor(3), true, 60, null)), "a slot freed");
    }

    @Test
    void aPublishOfASensorWithoutItsOwnConnectionGoesOutOnTheGatewaysConnection() {
        connect(10);
        probe.subscribe("t/#", 1);
        await(bridge.publish(text("t/left", "queued before it left", 1, sensor(9))));
        assertEquals("t/left", probe.awaitMessages(1, WAIT).get(0).topic());
    }
}
