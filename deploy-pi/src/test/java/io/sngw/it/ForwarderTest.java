package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MalformedReason;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.Encapsulated;
import io.sngw.core.codec.MqttSnMessage.GwInfo;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SearchGw;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sensors behind a forwarder: Encapsulated messages in, answers wrapped for the same wireless node out. */
class ForwarderTest extends EndToEndTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] NODE_A = HEX.parseHex("0013a200");
    private static final byte[] NODE_B = HEX.parseHex("0013a201");

    @BeforeEach
    void subscribeProbe() {
        probe.subscribe("fwd/#", 1);
        probe.subscribe("ab", 1);
    }

    @Test
    void encapsulatedConnectIsAnsweredWithAConnAckEncapsulatedForTheSameNode() {
        try (Sensor forwarder = gateway.sensor()) {
            // Outer Length 7 covers Length, MsgType, Ctrl (radius 1) and the 4-byte node id; then the inner CONNECT.
            forwarder.sendBytes(HEX.parseHex("07fe010013a200" + "0d040401003c73656e736f7231"));
            byte[] reply = forwarder.receiveBytes(Sensor.WAIT);
            assertNotNull(reply, "no answer to the encapsulated CONNECT");
            assertEquals(10, reply.length, HEX.formatHex(reply));
            assertEquals("07fe", HEX.formatHex(reply, 0, 2));
            assertEquals("0013a200", HEX.formatHex(reply, 3, 7), "wireless node id");
            assertEquals("030500", HEX.formatHex(reply, 7, 10), "inner CONNACK accepted");
        }
    }

    @Test
    void twoSensorsBehindOneForwarderHaveSeparateSessions() {
        try (Sensor forwarder = gateway.sensor()) {
            send(forwarder, NODE_A, new Connect(false, true, 60, "fwd-a"));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), expect(forwarder, NODE_A));
            send(forwarder, NODE_B, new Connect(false, true, 60, "fwd-b"));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), expect(forwarder, NODE_B));

            // Each has its own topic registry: the same id can name different topics.
            send(forwarder, NODE_A, new Register(0, 1, "fwd/a"));
            RegAck regA = assertInstanceOf(RegAck.class, expect(forwarder, NODE_A));
            send(forwarder, NODE_B, new Register(0, 1, "fwd/b"));
            RegAck regB = assertInstanceOf(RegAck.class, expect(forwarder, NODE_B));
            send(forwarder, NODE_A, new Publish(false, 1, false, new TopicRef.Registered(regA.topicId()), 2, bytes("from a")));
            assertEquals(new PubAck(regA.topicId(), 2, ReturnCode.ACCEPTED), expect(forwarder, NODE_A));
            send(forwarder, NODE_B, new Publish(false, 1, false, new TopicRef.Registered(regB.topicId()), 2, bytes("from b")));
            assertEquals(new PubAck(regB.topicId(), 2, ReturnCode.ACCEPTED), expect(forwarder, NODE_B));
            List<ProbeMessage> messages = probe.awaitMessages(2, Duration.ofSeconds(5));
            assertTrue(messages.stream().anyMatch(m -> m.topic().equals("fwd/a") && m.payloadString().equals("from a")), messages::toString);
            assertTrue(messages.stream().anyMatch(m -> m.topic().equals("fwd/b") && m.payloadString().equals("from b")), messages::toString);

            // A leaves; B stays connected; the forwarder itself never had a session.
            send(forwarder, NODE_A, new Disconnect());
            assertEquals(new Disconnect(), expect(forwarder, NODE_A));
            send(forwarder, NODE_B, new PingReq());
            assertEquals(new PingResp(), expect(forwarder, NODE_B));
            send(forwarder, NODE_A, new PingReq());
            assertEquals(new Disconnect(), expect(forwarder, NODE_A));
            forwarder.send(new PingReq());
            assertArrayEquals(HEX.parseHex("0218"), forwarder.receiveBytes(Sensor.WAIT), "plain DISCONNECT to the forwarder");
        }
    }

    @Test
    void publishQos1ThroughTheForwarderReachesTheBrokerAndItsPubAckReturnsEncapsulated() {
        try (Sensor forwarder = gateway.sensor()) {
            send(forwarder, NODE_A, new Connect(false, true, 60, "fwd-pub"));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), expect(forwarder, NODE_A));
            send(forwarder, NODE_A, new Register(0, 1, "fwd/temp"));
            RegAck regAck = assertInstanceOf(RegAck.class, expect(forwarder, NODE_A));
            assertEquals(ReturnCode.ACCEPTED, regAck.returnCode());
            send(forwarder, NODE_A, new Publish(false, 1, false, new TopicRef.Registered(regAck.topicId()), 7, bytes("21.5")));
            assertEquals(new PubAck(regAck.topicId(), 7, ReturnCode.ACCEPTED), expect(forwarder, NODE_A));
            ProbeMessage message = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertEquals("fwd/temp", message.topic());
            assertEquals("21.5", message.payloadString());
            assertEquals(1, message.qos());
        }
    }

    @Test
    void specVectorQosMinusOneShortNamePublishViaForwarderReachesTheBroker() {
        try (Sensor forwarder = gateway.sensor()) {
            forwarder.sendBytes(HEX.parseHex("07fe010013a20009" + "0c6261620000" + "6869"));
            ProbeMessage message = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertEquals("ab", message.topic());
            assertEquals("hi", message.payloadString());
            assertEquals(0, message.qos());
            forwarder.expectNothing(Duration.ofMillis(300));
            assertEquals(1, gateway.metrics().get(Counter.PUBLISH_IN_QOS_MINUS1));
        }
    }

    @Test
    void aMessageForASubscribedSensorBehindTheForwarderArrivesEncapsulated() {
        try (Sensor forwarder = gateway.sensor()) {
            send(forwarder, NODE_B, new Connect(false, true, 60, "fwd-sub"));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), expect(forwarder, NODE_B));
            send(forwarder, NODE_B, new Subscribe(false, 0, 3, new TopicRef.Name("fwd/cmd")));
            SubAck subAck = assertInstanceOf(SubAck.class, expect(forwarder, NODE_B));
            assertEquals(ReturnCode.ACCEPTED, subAck.returnCode());
            probe.publish("fwd/cmd", "on", 0, false);
            Publish publish = assertInstanceOf(Publish.class, expect(forwarder, NODE_B));
            assertEquals(new TopicRef.Registered(subAck.topicId()), publish.topic());
            assertEquals("on", new String(publish.data(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void searchGwThroughTheForwarderIsAnsweredEncapsulated() {
        try (Sensor forwarder = gateway.sensor()) {
            send(forwarder, NODE_A, new SearchGw(1));
            assertEquals(new GwInfo(GatewayUnderTest.options().gatewayId()), expect(forwarder, NODE_A));
        }
    }

    @Test
    void aMalformedInnerMessageIsDroppedAndCountedUnanswered() {
        try (Sensor forwarder = gateway.sensor()) {
            forwarder.sendBytes(HEX.parseHex("07fe010013a200" + "0e040401003c73656e736f7231")); // inner Length 14 for 13
            GatewayUnderTest.await("the inner message to be counted",
                    () -> gateway.metrics().malformed(MalformedReason.LENGTH_MISMATCH) == 1);
            forwarder.sendBytes(HEX.parseHex("07fe010013a200" + "07fe010013a200" + "0216")); // encapsulation in one
            GatewayUnderTest.await("the nested encapsulation to be counted",
                    () -> gateway.metrics().malformed(MalformedReason.BAD_ENCAPSULATION) == 1);
            forwarder.expectNothing(Duration.ofMillis(300));
            send(forwarder, NODE_A, new Connect(false, true, 60, "fwd-after"));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), expect(forwarder, NODE_A));
        }
    }

    private static void send(Sensor forwarder, byte[] node, MqttSnMessage inner) {
        forwarder.send(new Encapsulated(1, node, MqttSnCodec.encode(inner)));
    }

    /** The next datagram must be an Encapsulated message for {@code node}; returns the message inside. */
    private static MqttSnMessage expect(Sensor forwarder, byte[] node) {
        Encapsulated outer = forwarder.expect(Encapsulated.class);
        assertEquals(HEX.formatHex(node), HEX.formatHex(outer.wirelessNodeId()), "wireless node id");
        DecodeResult inner = MqttSnCodec.decode(outer.inner());
        assertInstanceOf(DecodeResult.Decoded.class, inner, () -> "inner message: " + inner);
        return ((DecodeResult.Decoded) inner).message();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
