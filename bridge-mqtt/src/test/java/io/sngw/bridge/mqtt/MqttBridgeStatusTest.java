package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/** The gateway's own status at a real Mosquitto: retained online, offline on a clean close and as the will. */
class MqttBridgeStatusTest {
    private static final String STATUS = "sngw/7/status";

    private MosquittoBroker broker;
    private BrokerProbe probe;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
    }

    @AfterEach
    void stop() {
        probe.close();
        broker.close();
    }

    /** The retained status as a new subscriber sees it. */
    private String retainedStatus() {
        try (BrokerProbe late = new BrokerProbe(broker.url())) {
            late.subscribe(STATUS, 1);
            ProbeMessage m = late.awaitMessages(1, RecordingListener.WAIT).get(0);
            assertTrue(m.retained(), "the status is retained");
            return m.payloadString();
        }
    }

    private void awaitLive(String payload) {
        TestBridges.eventually(() -> probe.messages().stream().anyMatch(m -> m.payloadString().equals(payload)),
                "status " + payload);
    }

    @Test
    void onlineOnceConnectedAndOfflineOnClose() {
        probe.subscribe(STATUS, 1);
        MqttBridge bridge = new MqttBridge(TestBridges.options(broker.port()).withStatusTopic(STATUS));
        RecordingListener listener = new RecordingListener();
        bridge.start(listener);
        listener.awaitEvent(true);
        awaitLive("online");
        assertEquals("online", retainedStatus());
        bridge.close();
        awaitLive("offline");
        assertEquals("offline", retainedStatus());
    }

    @Test
    void offlineAsTheWillWhenTheConnectionDiesAndOnlineAgainAfterTheReconnect() {
        probe.subscribe(STATUS, 1);
        try (TcpRelay relay = new TcpRelay(broker.port())) {
            MqttBridge bridge = new MqttBridge(TestBridges.options(relay.port()).withStatusTopic(STATUS)
                    .withKeepAlive(Duration.ofSeconds(1)));
            try {
                RecordingListener listener = new RecordingListener();
                bridge.start(listener);
                listener.awaitEvent(true);
                awaitLive("online");
                probe.clear();
                relay.blackHole(); // neither side hears the other: the broker gives up after 1.5 × keep-alive
                awaitLive("offline");
                assertEquals(List.of("offline"), probe.messages().stream().map(ProbeMessage::payloadString).toList());
            } finally {
                bridge.close();
            }
        }
    }

    @Test
    void noStatusTopicNoStatus() {
        probe.subscribe("#", 1);
        MqttBridge bridge = new MqttBridge(TestBridges.options(broker.port()));
        RecordingListener listener = new RecordingListener();
        bridge.start(listener);
        listener.awaitEvent(true);
        bridge.close();
        probe.publish("marker", "end", 1, false);
        probe.awaitMessages(1, RecordingListener.WAIT);
        assertEquals(List.of("marker"), probe.messages().stream().map(ProbeMessage::topic).toList());
    }
}
