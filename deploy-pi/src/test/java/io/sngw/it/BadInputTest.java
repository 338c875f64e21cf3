package io.sngw.it;

import io.sngw.core.GatewayMetrics;
import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MalformedReason;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the air can throw at the gateway: every malformed datagram is dropped, counted under its precise reason, left
 * unanswered, and the gateway keeps serving both the sender and everyone else. Messages from addresses without a
 * session get DISCONNECT where the protocol calls for it.
 */
class BadInputTest extends EndToEndTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Duration QUIET = Duration.ofMillis(250);
    private static final byte[] CONNECT_SENSOR1 = HEX.parseHex("0d04040100 3c73656e736f7231".replace(" ", ""));

    private final AtomicInteger clientIds = new AtomicInteger();

    // ------------------------------------------------------------------------------------------ framing

    @Test
    void lengthFieldLongerThanTheDatagramIsDropped() {
        byte[] connect = CONNECT_SENSOR1.clone();
        connect[0] = 0x0e;
        assertDroppedAs(MalformedReason.LENGTH_MISMATCH, connect);
    }

    @Test
    void lengthFieldShorterThanTheDatagramIsDropped() {
        byte[] connect = CONNECT_SENSOR1.clone();
        connect[0] = 0x0c;
        assertDroppedAs(MalformedReason.LENGTH_MISMATCH, connect);
    }

    @Test
    void threeByteLengthFieldDisagreeingWithTheDatagramIsDropped() {
        assertDroppedAs(MalformedReason.LENGTH_MISMATCH, bytes("01 00 10 16"));
    }

    @Test
    void truncatedBodiesAreDropped() {
        assertDroppedAs(MalformedReason.BAD_BODY_LENGTH, bytes("05 0c 20 00 01")); // PUBLISH without MsgId and data
        assertDroppedAs(MalformedReason.BAD_BODY_LENGTH, bytes("03 10 00"));       // PUBREL with half a MsgId
        assertDroppedAs(MalformedReason.BAD_BODY_LENGTH, bytes("05 0d 00 01 00")); // PUBACK without MsgId and code
        assertDroppedAs(MalformedReason.BAD_BODY_LENGTH, bytes("03 18 01"));       // DISCONNECT with half a duration
    }

    @Test
    void reservedMessageTypesAreDropped() {
        assertDroppedAs(MalformedReason.RESERVED_TYPE, bytes("02 03"));
        assertDroppedAs(MalformedReason.RESERVED_TYPE, bytes("02 ff"));
        assertDroppedAs(MalformedReason.RESERVED_TYPE, bytes("04 11 00 01"));
        assertDroppedAs(MalformedReason.RESERVED_TYPE, bytes("02 19"));
        assertDroppedAs(MalformedReason.RESERVED_TYPE, bytes("03 1e 00"));
    }

    @Test
    void zeroLengthDatagramIsDropped() {
        assertDroppedAs(MalformedReason.TOO_SHORT, new byte[0]);
    }

    @Test
    void oneByteDatagramIsDropped() {
        assertDroppedAs(MalformedReason.TOO_SHORT, bytes("02"));
    }

    @Test
    void sixtyFiveThousandBytesOfGarbageAreDropped() {
        byte[] garbage = new byte[65_000];
        new Random(65_000).nextBytes(garbage);
        // A 3-byte Length field claiming 65535 bytes, a PUBLISH type, then noise.
        garbage[0] = 0x01;
        garbage[1] = (byte) 0xff;
        garbage[2] = (byte) 0xff;
        garbage[3] = 0x0c;
        assertDroppedAs(MalformedReason.LENGTH_MISMATCH, garbage);
    }

    // ------------------------------------------------------------------------------------------ fields

    @Test
    void reservedTopicIdTypeInPublishIsDropped() {
        assertDroppedAs(MalformedReason.BAD_TOPIC_ID_TYPE, bytes("08 0c 23 00 01 00 02 78"));
    }

    @Test
    void reservedTopicIdTypeInSubscribeIsDropped() {
        assertDroppedAs(MalformedReason.BAD_TOPIC_ID_TYPE, bytes("07 12 23 00 05 00 01"));
    }

    @Test
    void connectWithAProtocolIdOtherThanOneIsDropped() {
        byte[] connect = CONNECT_SENSOR1.clone();
        connect[3] = 0x02;
        assertDroppedAs(MalformedReason.BAD_PROTOCOL_ID, connect);
    }

    @Test
    void connectWithAnEmptyClientIdIsRefusedWithConnAck() {
        assertRefusedAs(MalformedReason.BAD_CLIENT_ID, bytes("06 04 04 01 00 3c"), new ConnAck(ReturnCode.NOT_SUPPORTED));
    }

    @Test
    void connectWithA24ByteClientIdIsRefusedWithConnAck() {
        byte[] clientId = "abcdefghijklmnopqrstuvwx".getBytes(StandardCharsets.US_ASCII);
        byte[] connect = new byte[6 + clientId.length];
        connect[0] = (byte) connect.length;
        connect[1] = 0x04;
        connect[2] = 0x04;
        connect[3] = 0x01;
        connect[5] = 0x3c;
        System.arraycopy(clientId, 0, connect, 6, clientId.length);
        // A client waiting for its CONNACK would wait for ever: it hears why instead.
        assertRefusedAs(MalformedReason.BAD_CLIENT_ID, connect, new ConnAck(ReturnCode.NOT_SUPPORTED));
    }

    @Test
    void emptyTopicNameInSubscribeIsDropped() {
        assertDroppedAs(MalformedReason.BAD_TOPIC, bytes("05 12 00 00 05"));
    }

    @Test
    void emptyTopicNameInRegisterIsDropped() {
        assertDroppedAs(MalformedReason.BAD_TOPIC, bytes("06 0a 00 00 00 01"));
    }

    @Test
    void invalidUtf8TopicNamesAreDropped() {
        assertDroppedAs(MalformedReason.BAD_TOPIC, bytes("08 0a 00 00 00 01 c3 28"));    // REGISTER, bad continuation
        assertDroppedAs(MalformedReason.BAD_TOPIC, bytes("07 12 00 00 05 ff fe"));       // SUBSCRIBE, 0xFF never valid
        assertDroppedAs(MalformedReason.BAD_TOPIC, bytes("07 12 00 00 05 c0 af"));       // SUBSCRIBE, overlong '/'
        assertDroppedAs(MalformedReason.BAD_TOPIC, bytes("09 0a 00 00 00 01 ed a0 80")); // REGISTER, lone surrogate
    }

    // ------------------------------------------------------------------------------------------ no session

    @Test
    void messagesThatNeedASessionGetDisconnectFromAnAddressWithoutOne() {
        List<byte[]> needSession = List.of(
                bytes("0b 0c 20 00 01 00 02 32 31 2e 35"),                // PUBLISH QoS 1
                bytes("09 0c 40 00 01 00 03 6f 6e"),                      // PUBLISH QoS 2
                bytes("0b 0c 00 00 01 00 00 32 31 2e 35"),                // PUBLISH QoS 0
                bytes("0f 0a 00 00 00 01 68 6f 6d 65 2f 74 65 6d 70"),    // REGISTER
                bytes("02 16"),                                            // PINGREQ
                bytes("0a 12 20 00 05 61 2f 2b 2f 63"),                   // SUBSCRIBE
                bytes("0a 14 00 00 09 61 2f 2b 2f 63"),                   // UNSUBSCRIBE
                bytes("04 10 00 03"),                                      // PUBREL
                bytes("0a 1a 00 64 65 61 64 2f 73 33"));                  // WILLTOPICUPD
        for (byte[] datagram : needSession) {
            try (Sensor stranger = gateway.sensor()) {
                long before = gateway.metrics().get(Counter.NO_SESSION_DISCONNECT_SENT);
                stranger.sendBytes(datagram);
                assertArrayEquals(bytes("02 18"), stranger.receiveBytes(Sensor.WAIT), "DISCONNECT for " + HEX.formatHex(datagram));
                assertEquals(before + 1, gateway.metrics().get(Counter.NO_SESSION_DISCONNECT_SENT));
                stranger.expectNothing(QUIET);
                assertServes(stranger);
            }
        }
        assertEquals(0, gateway.metrics().get(Counter.MALFORMED));
    }

    @Test
    void disconnectFromAnAddressWithoutASessionGetsNoAnswer() {
        try (Sensor stranger = gateway.sensor()) {
            stranger.sendBytes(bytes("02 18"));
            stranger.sendBytes(bytes("04 18 01 2c"));
            stranger.expectNothing(Duration.ofMillis(500));
            assertEquals(0, gateway.metrics().get(Counter.NO_SESSION_DISCONNECT_SENT));
            assertServes(stranger);
        }
    }

    @Test
    void pingReqWithAnUnknownClientIdGetsDisconnect() {
        try (Sensor stranger = gateway.sensor()) {
            stranger.sendBytes(bytes("09 16 73 65 6e 73 6f 72 39")); // PINGREQ 'sensor9'
            assertArrayEquals(bytes("02 18"), stranger.receiveBytes(Sensor.WAIT));
            assertEquals(1, gateway.metrics().get(Counter.NO_SESSION_DISCONNECT_SENT));
            stranger.expectNothing(QUIET);
            assertServes(stranger);
        }
    }

    @Test
    void qosMinusOnePublishWithoutASessionIsForwardedAndNotAnswered() {
        try (Sensor stranger = gateway.sensor()) {
            probe.subscribe("ab", 1);
            stranger.sendBytes(bytes("09 0c 62 61 62 00 00 68 69"));
            ProbeMessage message = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertEquals("ab", message.topic());
            assertEquals("hi", message.payloadString());
            stranger.expectNothing(QUIET);
            assertEquals(0, gateway.metrics().get(Counter.NO_SESSION_DISCONNECT_SENT));
        }
    }

    // ------------------------------------------------------------------------------------------ load

    @Test
    void aBurstOfGarbageDoesNotCostAnotherSensorAnyQos1Publish() throws Exception {
        try (Sensor noise = gateway.sensor(); Sensor sensor = gateway.sensor()) {
            probe.subscribe("burst/#", 1);
            sensor.connect("burst-sensor");
            int topicId = sensor.register("burst/t", 1);
            AtomicReference<Throwable> noiseFailure = new AtomicReference<>();
            Thread noiseThread = new Thread(() -> {
                try {
                    Random random = new Random(10_000);
                    for (int i = 0; i < 10_000; i++) {
                        byte[] garbage = new byte[random.nextInt(200)];
                        random.nextBytes(garbage);
                        noise.sendBytes(garbage);
                    }
                } catch (Throwable t) {
                    noiseFailure.set(t);
                }
            }, "garbage");
            long malformedBefore = gateway.metrics().get(Counter.MALFORMED);
            noiseThread.start();
            int resends = 0;
            int publishes = 0;
            // Publish for as long as the garbage flows, and at least 100 times.
            while (noiseThread.isAlive() || publishes < 100) {
                int msgId = 100 + publishes;
                byte[] payload = ("m" + publishes).getBytes(StandardCharsets.UTF_8);
                Publish publish = new Publish(false, 1, false, new TopicRef.Registered(topicId), msgId, payload);
                PubAck ack = null;
                // A QoS 1 sensor resends with DUP when its PUBACK does not come: datagrams may be lost under load.
                for (int attempt = 0; attempt < 5 && ack == null; attempt++) {
                    sensor.send(attempt == 0 ? publish : publish.withDup());
                    resends += attempt == 0 ? 0 : 1;
                    ack = awaitPubAck(sensor, msgId, Duration.ofSeconds(1));
                }
                assertEquals(new PubAck(topicId, msgId, ReturnCode.ACCEPTED), ack, "PUBACK for publish " + publishes);
                publishes++;
            }
            noiseThread.join(30_000);
            assertNull(noiseFailure.get(), "garbage sender failed");
            long malformedDuring = gateway.metrics().get(Counter.MALFORMED) - malformedBefore;
            // The kernel may drop part of the burst; what matters is that the gateway took plenty of it meanwhile:
            // decoded and dropped as malformed, or shed unread as more than the noisy source's fair share.
            long handled = malformedDuring + gateway.metrics().get(Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE);
            assertTrue(handled >= 1_000, "garbage reached the gateway: " + gateway.metrics().snapshot());

            probe.awaitMessages(publishes, Duration.ofSeconds(10));
            Set<String> arrived = probe.messages().stream().map(ProbeMessage::payloadString)
                    .collect(Collectors.toCollection(TreeSet::new));
            for (int i = 0; i < publishes; i++) {
                assertTrue(arrived.contains("m" + i), "publish " + i + " of " + publishes + " at the broker ("
                        + resends + " resends)");
            }
            sensor.send(new PingReq());
            sensor.expect(new PingResp());
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * The datagram, sent once from a sensor without a session and once from a connected one, is counted twice under
     * {@code reason} and nowhere else, is answered by nothing, and both sensors (and a third) are served afterwards.
     */
    private void assertDroppedAs(MalformedReason reason, byte[] datagram) {
        assertRefusedAs(reason, datagram, null);
    }

    /** As {@link #assertDroppedAs}, but each sender is answered with {@code answer} (null: nothing). */
    private void assertRefusedAs(MalformedReason reason, byte[] datagram, MqttSnMessage answer) {
        String what = HEX.formatHex(datagram, 0, Math.min(datagram.length, 16)) + (datagram.length > 16 ? "…" : "");
        GatewayMetrics metrics = gateway.metrics();
        try (Sensor stranger = gateway.sensor(); Sensor connected = gateway.sensor(); Sensor bystander = gateway.sensor()) {
            connected.connect(nextClientId());
            long reasonBefore = metrics.malformed(reason);
            long totalBefore = metrics.get(Counter.MALFORMED);

            stranger.sendBytes(datagram);
            GatewayUnderTest.await(reason + " counted for " + what, () -> metrics.malformed(reason) == reasonBefore + 1);
            connected.sendBytes(datagram);
            GatewayUnderTest.await(reason + " counted again for " + what, () -> metrics.malformed(reason) == reasonBefore + 2);
            assertEquals(totalBefore + 2, metrics.get(Counter.MALFORMED), "counted only as " + reason + ": " + what);

            if (answer != null) {
                stranger.expect(answer);
                connected.expect(answer);
            }
            stranger.expectNothing(QUIET);
            connected.expectNothing(Duration.ofMillis(1));
            connected.send(new PingReq());
            connected.expect(new PingResp()); // the session survived
            assertServes(connected);
            assertServes(stranger);
            assertServes(bystander);
        }
    }

    /** CONNECT, REGISTER and a QoS 1 PUBLISH that the broker acknowledges. */
    private void assertServes(Sensor sensor) {
        sensor.connect(nextClientId());
        int topicId = sensor.register("bad/ok", 1);
        sensor.send(new Publish(false, 1, false, new TopicRef.Registered(topicId), 2, new byte[] {1}));
        assertEquals(new PubAck(topicId, 2, ReturnCode.ACCEPTED), sensor.expect(PubAck.class));
    }

    @Test
    void aClientIdThatWouldForgeALogLineOrNameAPathIsRefusedWithConnAckNotSupported() {
        try (Sensor sensor = gateway.sensor()) {
            for (String id : List.of("x\nSEVERE: forged", "../../etc", "tab\there", "wild+card")) {
                sensor.send(new Connect(false, true, 60, id));
                sensor.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
            }
            assertEquals(4, gateway.metrics().get(Counter.CONNECTS_REFUSED_CLIENT_ID));
            assertEquals(0, gateway.sessionCount());
            sensor.connect(nextClientId()); // the same sensor, with a good id, is served
        }
    }

    private String nextClientId() {
        return "bad-" + clientIds.incrementAndGet();
    }

    private static PubAck awaitPubAck(Sensor sensor, int msgId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            MqttSnMessage message = sensor.receive(Duration.ofNanos(left));
            if (message instanceof PubAck ack && ack.msgId() == msgId) {
                return ack;
            }
            if (message instanceof Disconnect) {
                throw new AssertionError("the gateway disconnected the sensor during the burst");
            }
        }
    }

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex.replace(" ", ""));
    }
}
