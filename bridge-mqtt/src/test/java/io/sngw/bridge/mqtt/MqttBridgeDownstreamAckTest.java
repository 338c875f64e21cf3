package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;

/**
 * The broker's QoS 1 messages are acknowledged only once the core has taken them, seen from a real Mosquitto: what
 * the bridge never acknowledged, the broker sends again to the next connection of the same persistent session.
 */
class MqttBridgeDownstreamAckTest {

    private MosquittoBroker broker;
    private BrokerProbe probe;
    private BridgeOptions options;
    private MqttBridge bridge;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
        options = TestBridges.options(broker.port()).withCleanSession(false);
    }

    @AfterEach
    void stop() {
        bridge.close();
        probe.close();
        broker.close();
    }

    private RecordingListener connect() {
        bridge = new MqttBridge(options);
        RecordingListener listener = new RecordingListener();
        bridge.start(listener);
        listener.awaitEvent(true);
        return listener;
    }

    /** Closes the bridge and connects a new one as the same persistent session. */
    private RecordingListener reconnect() {
        bridge.close();
        return connect();
    }

    /** Connects, subscribes, and has the broker send one QoS 1 message that the listener holds. */
    private RecordingListener holding(String payload) {
        RecordingListener listener = connect();
        await(bridge.subscribe("held/#", 1));
        listener.holdMessages();
        probe.publish("held/a", payload, 1, false);
        listener.awaitPayload(payload);
        return listener;
    }

    @Test
    void messageNotYetTakenIsSentAgainToTheNextConnection() {
        holding("not-taken");

        RecordingListener second = reconnect();

        second.awaitPayload("not-taken");
    }

    @Test
    void takenMessageIsAcknowledgedAndNotSentAgain() {
        holding("taken").take("taken");

        RecordingListener second = reconnect();
        probe.publish("held/a", "after", 1, false); // the broker sends what it still holds for us first

        List<String> got = second.awaitPayload("after").stream().map(RecordingListener::payload).toList();
        assertEquals(List.of("after"), got);
    }

    @Test
    void persistentSessionReceivesWhatWasPublishedWhileAway() {
        connect();
        await(bridge.subscribe("away/#", 1));
        bridge.close();
        probe.publish("away/x", "while-away", 1, false);

        RecordingListener back = connect();

        back.awaitPayload("while-away");
    }
}
