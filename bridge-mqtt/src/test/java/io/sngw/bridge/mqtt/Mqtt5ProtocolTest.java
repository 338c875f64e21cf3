package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.ScriptedBroker.CONNECT;
import static io.sngw.bridge.mqtt.ScriptedBroker.PUBACK;
import static io.sngw.bridge.mqtt.ScriptedBroker.PUBLISH;
import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.failure;
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

/** MQTT 5 on the wire, byte by byte, against a scripted broker. */
class Mqtt5ProtocolTest {

    private ScriptedBroker broker;
    private MqttBridge bridge;
    private RecordingListener listener;

    @BeforeEach
    void start() throws Exception {
        broker = new ScriptedBroker();
        listener = new RecordingListener();
    }

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) {
            bridge.close();
        }
        broker.close();
    }

    private void connect(BridgeOptions options, ProtocolOptions protocol, byte... connAckProperties) {
        broker.connAckV5Properties = connAckProperties;
        bridge = new MqttBridge(options, protocol);
        bridge.start(listener);
        listener.awaitEvent(true);
    }

    @Test
    void connectSaysVersion5AndCarriesTheSessionExpiryOfAPersistentSession() {
        connect(TestBridges.options(broker.port()).withCleanSession(false),
                ProtocolOptions.mqtt5().withSessionExpiry(Duration.ofHours(2)));
        byte[] body = broker.await(CONNECT).body();
        // 00 04 'MQTT' level flags keep-alive(2) properties-length property...
        assertEquals(5, body[6], "protocol level");
        assertEquals(0, body[7] & 0x02, "Clean Start off for a persistent session");
        assertEquals(5, body[10], "properties length: one Session Expiry Interval");
        assertEquals(0x11, body[11]);
        assertEquals(7200, ((body[12] & 0xFF) << 24) | ((body[13] & 0xFF) << 16) | ((body[14] & 0xFF) << 8)
                | (body[15] & 0xFF));
    }

    @Test
    void publishesBeyondTheBrokersReceiveMaximumWaitForAnAcknowledgement() throws Exception {
        connect(TestBridges.options(broker.port()), ProtocolOptions.mqtt5(), (byte) 0x21, (byte) 0, (byte) 2);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(bridge.publish(message("t/" + i, "m" + i, 1, false)));
        }
        int first = broker.await(PUBLISH).packetId();
        broker.await(PUBLISH);
        broker.assertNone(PUBLISH, Duration.ofMillis(300));
        assertFalse(futures.get(2).isDone(), "the third waits in the bridge, it has not failed");
        broker.ack(PUBACK, first);
        ScriptedBroker.Packet third = broker.await(PUBLISH);
        assertEquals("t/2", third.topic());
        broker.assertNone(PUBLISH, Duration.ofMillis(200));
        await(futures.get(0));
    }

    @Test
    void pubackWithAFailureReasonCodeFailsThePublishAndIsCounted() throws Exception {
        connect(TestBridges.options(broker.port()), ProtocolOptions.mqtt5());
        CompletableFuture<Void> refused = bridge.publish(message("t/x", "no", 1, false));
        int id = broker.await(PUBLISH).packetId();
        broker.send(0x40, 3, id >> 8, id & 0xFF, 0x87); // PUBACK, Not authorized
        Throwable cause = failure(refused);
        assertInstanceOf(UpstreamUnavailableException.class, cause);
        assertTrue(cause.getMessage().contains("0x87"), cause.getMessage());
        assertEquals(1, bridge.counters().get(BridgeCounters.reasonKey("puback", 0x87)));
    }

    @Test
    void pubackNoMatchingSubscribersStillCompletesThePublish() throws Exception {
        connect(TestBridges.options(broker.port()), ProtocolOptions.mqtt5());
        CompletableFuture<Void> published = bridge.publish(message("t/x", "nobody", 1, false));
        int id = broker.await(PUBLISH).packetId();
        broker.send(0x40, 3, id >> 8, id & 0xFF, 0x10);
        await(published);
        assertEquals(1, bridge.counters().get(BridgeCounters.reasonKey("puback", 0x10)));
    }

    @Test
    void disconnectFromTheBrokerIsCountedByItsReasonCodeAndTheBridgeReconnects() throws Exception {
        connect(TestBridges.options(broker.port()), ProtocolOptions.mqtt5());
        broker.send(0xE0, 1, 0x8E); // DISCONNECT, Session taken over
        listener.awaitEvent(false);
        listener.awaitEvent(true);
        assertEquals(1, bridge.counters().get(BridgeCounters.reasonKey("disconnect", 0x8E)));
    }
}
