package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.ScriptedBroker.DISCONNECT;
import static io.sngw.bridge.mqtt.ScriptedBroker.PINGREQ;
import static io.sngw.bridge.mqtt.ScriptedBroker.PUBACK;
import static io.sngw.bridge.mqtt.ScriptedBroker.PUBCOMP;
import static io.sngw.bridge.mqtt.ScriptedBroker.PUBLISH;
import static io.sngw.bridge.mqtt.ScriptedBroker.PUBREC;
import static io.sngw.bridge.mqtt.ScriptedBroker.PUBREL;
import static io.sngw.bridge.mqtt.ScriptedBroker.SUBSCRIBE;
import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.eventually;
import static io.sngw.bridge.mqtt.TestBridges.failedAlready;
import static io.sngw.bridge.mqtt.TestBridges.failure;
import static io.sngw.bridge.mqtt.TestBridges.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

/** MQTT flows a real broker cannot be made to show on demand, against a {@link ScriptedBroker}. */
class MqttBridgeProtocolTest {

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

    private void connect(BridgeOptions options) {
        bridge = new MqttBridge(options);
        bridge.start(listener);
        listener.awaitEvent(true);
    }

    private void connect() {
        connect(TestBridges.options(broker.port()));
    }

    @Test
    void qos1PublishCompletesOnlyOnPuback() throws Exception {
        connect();
        CompletableFuture<Void> f = bridge.publish(message("p/1", "x", 1, false));
        ScriptedBroker.Packet publish = broker.await(PUBLISH);
        assertEquals(0x02, publish.flags(), "QoS 1, no dup, no retain");
        assertFalse(f.isDone(), "no PUBACK yet");
        broker.ack(PUBACK, publish.packetId());
        await(f);
    }

    @Test
    void qos2PublishCompletesOnPubrecAndBridgeFinishesTheFlow() throws Exception {
        connect();
        CompletableFuture<Void> f = bridge.publish(message("p/2", "x", 2, true));
        ScriptedBroker.Packet publish = broker.await(PUBLISH);
        assertEquals(0x05, publish.flags(), "QoS 2, retain");
        assertFalse(f.isDone());
        broker.ack(PUBREC, publish.packetId());
        await(f);
        ScriptedBroker.Packet pubrel = broker.await(PUBREL);
        assertEquals(publish.packetId(), pubrel.packetId());
        assertEquals(0x02, pubrel.flags(), "PUBREL carries flags 0010");
        broker.ack(PUBCOMP, publish.packetId());
    }

    @Test
    void qos2PublishFreesItsWindowSlotOnPubrecButKeepsItsIdUntilPubcomp() throws Exception {
        connect(TestBridges.options(broker.port()).withMaxInflight(1));
        CompletableFuture<Void> first = bridge.publish(message("p/w", "1", 2, false));
        int firstId = broker.await(PUBLISH).packetId();
        Throwable full = failure(bridge.publish(message("p/w", "2", 2, false)));
        assertEquals("broker window full: 1 QoS 1/2 publishes await acknowledgement (maxInflight)", full.getMessage());
        broker.ack(PUBREC, firstId);
        await(first);
        broker.await(PUBREL);
        CompletableFuture<Void> next = bridge.publish(message("p/w", "3", 1, false)); // no PUBCOMP yet
        ScriptedBroker.Packet publish = broker.await(PUBLISH);
        assertEquals("3", new String(payloadOf(publish)));
        assertNotEquals(firstId, publish.packetId(), "the QoS 2 id stays taken until PUBCOMP");
        broker.ack(PUBCOMP, firstId);
        broker.ack(PUBACK, publish.packetId());
        await(next);
    }

    private static byte[] payloadOf(ScriptedBroker.Packet publish) {
        byte[] body = publish.body();
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        int start = 2 + topicLength + (((publish.flags() >> 1) & 3) > 0 ? 2 : 0);
        return java.util.Arrays.copyOfRange(body, start, body.length);
    }

    @Test
    void publishBeyondMaxInflightFailsWithWindowFull() throws Exception {
        connect(TestBridges.options(broker.port()).withMaxInflight(2));
        CompletableFuture<Void> a = bridge.publish(message("p/a", "a", 1, false));
        CompletableFuture<Void> b = bridge.publish(message("p/b", "b", 1, false));
        Throwable cause = failure(bridge.publish(message("p/c", "c", 1, false)));
        assertInstanceOf(UpstreamUnavailableException.class, cause);
        assertEquals("broker window full: 2 QoS 1/2 publishes await acknowledgement (maxInflight)", cause.getMessage());
        broker.ack(PUBACK, broker.await(PUBLISH).packetId());
        await(a);
        assertFalse(b.isDone());
        CompletableFuture<Void> d = bridge.publish(message("p/d", "d", 1, false));
        broker.await(PUBLISH); // b
        broker.await(PUBLISH); // d: the slot of a is free again
        assertFalse(d.isCompletedExceptionally());
    }

    @Test
    void inFlightPacketIdsAreDistinct() throws Exception {
        connect();
        for (int i = 0; i < 5; i++) {
            bridge.publish(message("p/id", Integer.toString(i), 1, false));
        }
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            int id = broker.await(PUBLISH).packetId();
            assertNotEquals(0, id);
            ids.add(id);
        }
        assertEquals(5, ids.size());
    }

    @Test
    void publishesAwaitingAckFailWhenConnectionDrops() throws Exception {
        connect();
        CompletableFuture<Void> q1 = bridge.publish(message("p/1", "x", 1, false));
        CompletableFuture<Void> q2 = bridge.publish(message("p/2", "y", 2, false));
        broker.await(PUBLISH);
        broker.await(PUBLISH);
        broker.dropConnection();
        for (CompletableFuture<Void> f : List.of(q1, q2)) {
            Throwable cause = failure(f);
            assertInstanceOf(UpstreamUnavailableException.class, cause);
            assertTrue(cause.getMessage().startsWith("connection to broker lost before acknowledgement"),
                    cause.getMessage());
        }
        listener.awaitEvent(false);
    }

    @Test
    void qos2PublishCutOffInAPersistentSessionIsReleasedOnTheNextConnectionAndItsIdNotReused() throws Exception {
        broker.sessionPresent = true;
        connect(TestBridges.options(broker.port()).withCleanSession(false));
        CompletableFuture<Void> cutOff = bridge.publish(message("p/2", "cut-off", 2, false));
        int id = broker.await(PUBLISH).packetId();
        broker.dropConnection();
        failure(cutOff);
        listener.awaitEvent(false);
        listener.awaitEvent(true);

        assertEquals(id, broker.await(PUBREL).packetId());
        bridge.publish(message("p/2", "next", 2, false));
        assertNotEquals(id, broker.await(PUBLISH).packetId());
        broker.ack(PUBCOMP, id);
    }

    @Test
    void refusedFilterFailsSubscribeAndKeepsNoReference() throws Exception {
        connect();
        CompletableFuture<Integer> f = bridge.subscribe("denied/#", 1);
        broker.subAck(broker.await(SUBSCRIBE).packetId(), 0x80);
        Throwable cause = failure(f);
        assertInstanceOf(SubscriptionRefusedException.class, cause);
        assertEquals("broker refused the subscription to 'denied/#' (SUBACK return code 0x80)", cause.getMessage());
        assertInstanceOf(IllegalStateException.class, failure(bridge.unsubscribe("denied/#")));
    }

    @Test
    void repeatedSubscribeIsSentAgainWithTheHighestQos() throws Exception {
        connect();
        CompletableFuture<Integer> first = bridge.subscribe("f", 2);
        ScriptedBroker.Packet p1 = broker.await(SUBSCRIBE);
        broker.subAck(p1.packetId(), 2);
        assertEquals(2, await(first));
        CompletableFuture<Integer> second = bridge.subscribe("f", 0);
        ScriptedBroker.Packet p2 = broker.await(SUBSCRIBE);
        assertEquals(List.of("f"), p2.filters());
        assertEquals(List.of(2), p2.requestedQos(), "never lowered while a QoS 2 reference exists");
        broker.subAck(p2.packetId(), 2);
        assertEquals(2, await(second));
    }

    @Test
    void subscribeAwaitingSubackFailsWhenConnectionDrops() throws Exception {
        connect();
        CompletableFuture<Integer> f = bridge.subscribe("lost", 1);
        broker.await(SUBSCRIBE);
        broker.dropConnection();
        assertInstanceOf(UpstreamUnavailableException.class, failure(f));
        assertInstanceOf(IllegalStateException.class, failure(bridge.unsubscribe("lost")), "no reference kept");
    }

    @Test
    void resubscriptionIsBatchedAndPrecedesTheUpEvent() throws Exception {
        broker.autoSubAck = true;
        connect();
        List<CompletableFuture<Integer>> subs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            subs.add(bridge.subscribe("many/" + i, i % 3));
        }
        subs.forEach(TestBridges::await);
        for (int i = 0; i < 100; i++) {
            broker.await(SUBSCRIBE);
        }
        broker.autoSubAck = false;
        broker.dropConnection();
        listener.awaitEvent(false);
        List<String> filters = new ArrayList<>();
        List<ScriptedBroker.Packet> packets = new ArrayList<>();
        while (filters.size() < 100) {
            ScriptedBroker.Packet p = broker.await(SUBSCRIBE);
            packets.add(p);
            filters.addAll(p.filters());
        }
        assertEquals(2, packets.size(), "100 filters in 2 SUBSCRIBE packets");
        assertEquals(100, new HashSet<>(filters).size());
        assertFalse(bridge.isConnected(), "not up before the SUBACKs");
        assertEquals(List.of(), listener.pendingEvents());
        for (ScriptedBroker.Packet p : packets) {
            broker.subAck(p.packetId(), p.requestedQos().stream().mapToInt(Integer::intValue).toArray());
        }
        listener.awaitEvent(true);
    }

    @Test
    void qos1MessageFromBrokerIsDeliveredAndAcknowledged() throws Exception {
        connect();
        broker.publish("in/1", "hello", 1, 42, false);
        assertEquals(42, broker.await(PUBACK).packetId());
        UpstreamMessage m = listener.awaitPayload("hello").get(0);
        assertEquals(new UpstreamMessage("in/1", "hello".getBytes(), 1, false), m);
    }

    @Test
    void acknowledgementsLeaveInTheOrderOfThePublishesWhateverOrderTheyAreTakenIn() throws Exception {
        connect();
        listener.holdMessages();
        broker.publish("in/1", "first", 1, 1, false);
        broker.publish("in/1", "second", 1, 2, false);
        listener.awaitPayload("second");
        listener.take("second");
        listener.take("first");
        assertEquals(1, broker.await(PUBACK).packetId());
        assertEquals(2, broker.await(PUBACK).packetId());
    }

    @Test
    void duplicateQos2MessageFromBrokerIsDeliveredOnce() throws Exception {
        connect();
        broker.publish("in/2", "once", 2, 7, false);
        assertEquals(7, broker.await(PUBREC).packetId());
        broker.publish("in/2", "once", 2, 7, true); // PUBREC lost, broker re-sends
        assertEquals(7, broker.await(PUBREC).packetId());
        broker.ack(PUBREL, 7);
        assertEquals(7, broker.await(PUBCOMP).packetId());
        broker.publish("in/2", "next", 2, 7, false); // the id is free again after PUBREL
        assertEquals(7, broker.await(PUBREC).packetId());
        List<UpstreamMessage> got = listener.awaitPayload("next");
        assertEquals(List.of("once", "next"), got.stream().map(RecordingListener::payload).toList());
    }

    @Test
    void oversizedMessageFromBrokerIsAcknowledgedAndDropped() throws Exception {
        connect();
        byte[] big = new byte[MqttBridge.MAX_INBOUND_PACKET_BYTES + 1000];
        broker.sendRaw(ScriptedBroker.publishPacket("in/big", big, 1, 9, false, true));
        assertEquals(9, broker.await(PUBACK).packetId());
        broker.publish("in/small", "after", 1, 10, false);
        assertEquals(10, broker.await(PUBACK).packetId());
        List<UpstreamMessage> got = listener.awaitPayload("after");
        assertEquals(1, got.size(), RecordingListener.describe(got));
        assertTrue(bridge.isConnected());
    }

    @Test
    void silentBrokerIsDroppedAfterOneAndAHalfKeepAlives() throws Exception {
        connect(TestBridges.options(broker.port()).withKeepAlive(Duration.ofSeconds(1)));
        broker.await(PINGREQ); // never answered
        listener.awaitEvent(false);
        eventually(() -> broker.connections() >= 2, "reconnect after the keep-alive drop");
    }

    @Test
    void refusedConnectionIsRetriedUntilAccepted() throws Exception {
        broker.connAckCode = 5; // not authorised
        bridge = new MqttBridge(TestBridges.options(broker.port()));
        bridge.start(listener);
        eventually(() -> broker.connections() >= 3, "retries after CONNACK 5");
        assertFalse(bridge.isConnected());
        assertEquals(List.of(), listener.pendingEvents());
        broker.connAckCode = 0;
        listener.awaitEvent(true);
    }

    @Test
    void closeSendsDisconnect() throws Exception {
        connect();
        bridge.close();
        broker.await(DISCONNECT);
        listener.awaitEvent(false);
        assertEquals("bridge is closed", failedAlready(bridge.subscribe("x", 0)).getMessage());
    }
}
