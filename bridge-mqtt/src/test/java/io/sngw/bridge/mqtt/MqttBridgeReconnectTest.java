package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;

/** Broker outages: a real Mosquitto stopped and started again on the same port. */
class MqttBridgeReconnectTest {

    private MosquittoBroker broker;
    private MqttBridge bridge;
    private RecordingListener listener;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        bridge = new MqttBridge(TestBridges.options(broker.port()));
        listener = new RecordingListener();
    }

    @AfterEach
    void stop() {
        bridge.close();
        broker.close();
    }

    @Test
    void reconnectsAndResubscribesAfterBrokerRestart() {
        bridge.start(listener);
        listener.awaitEvent(true);
        assertEquals(1, await(bridge.subscribe("r/#", 1)));
        assertEquals(2, await(bridge.subscribe("r2/x", 2)));

        broker.stop();
        listener.awaitEvent(false);
        assertFalse(bridge.isConnected());

        broker.restart();
        listener.awaitEvent(true);
        assertTrue(bridge.isConnected());
        try (BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe("up/#", 1);
            probe.publish("r/after", "back", 1, false);
            probe.publish("r2/x", "back2", 2, false);
            listener.awaitPayload("back");
            listener.awaitPayload("back2");
            await(bridge.publish(message("up/x", "outbound", 1, false)));
            assertEquals("outbound", probe.awaitMessages(1, RecordingListener.WAIT).get(0).payloadString());
        }
        assertEquals(java.util.List.of(), listener.pendingEvents(), "one event per change");
    }

    @Test
    void connectsOnceBrokerStartsAfterBridge() {
        broker.stop();
        bridge.start(listener);
        assertFalse(bridge.isConnected());
        broker.restart();
        listener.awaitEvent(true);
        assertTrue(bridge.isConnected());
    }

    @Test
    void closeReportsDownAndFailsLaterCalls() {
        bridge.start(listener);
        listener.awaitEvent(true);
        bridge.close();
        listener.awaitEvent(false);
        assertFalse(bridge.isConnected());
        assertEquals("bridge is closed",
                TestBridges.failedAlready(bridge.publish(message("x", "late", 0, false))).getMessage());
        bridge.close(); // idempotent
    }
}
