package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sensor → broker: PUBLISH at every QoS and topic kind, its answers on the wire, and what arrives at the broker. */
class PublishUpstreamTest extends SharedBrokerTest {
    private static final Duration ARRIVAL = Duration.ofSeconds(5);
    /** How long to watch the broker when asserting that nothing arrives there. */
    private static final Duration QUIET = Duration.ofMillis(400);

    private GatewayUnderTest gateway;
    private BrokerProbe probe;

    /** The gateway and probe of one test; a test with special options or its own broker calls this itself. */
    private void start(MosquittoBroker on, GatewayOptions options, String probeFilter) {
        gateway = GatewayUnderTest.start(on.url(), options);
        probe = new BrokerProbe(on.url());
        probe.subscribe(probeFilter, 2);
    }

    private void start(String probeFilter) {
        start(broker, GatewayUnderTest.options(), probeFilter);
    }

    @AfterEach
    void stop() {
        if (probe != null) {
            probe.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Publish publish(int qos, int topicId, int msgId, String payload) {
        return new Publish(false, qos, false, new TopicRef.Registered(topicId), msgId, utf8(payload));
    }

    private ProbeMessage onlyMessageAtBroker() {
        ProbeMessage message = probe.awaitMessages(1, ARRIVAL).get(0);
        sleep(QUIET);
        assertEquals(1, probe.messages().size(), "exactly one message at the broker: " + probe.messages());
        return message;
    }

    private void assertNothingAtBroker() {
        sleep(QUIET);
        assertTrue(probe.messages().isEmpty(), "nothing expected at the broker: " + probe.messages());
    }

    // ---------------------------------------------------------------- QoS 0, 1, 2 with a registered topic id

    @Test
    void qos0PublishOnRegisteredIdArrivesAtQos0() {
        start("up-qos0/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-qos0");
            int topicId = sensor.register("up-qos0/t", 1);
            sensor.send(publish(0, topicId, 0, "21.5"));
            ProbeMessage message = onlyMessageAtBroker();
            assertEquals(new ProbeMessage("up-qos0/t", utf8("21.5"), 0, false, false), message);
            sensor.expectNothing(Duration.ofMillis(100));
        }
    }

    @Test
    void qos1PublishArrivesAtQos1AndPubAckEchoesTopicIdAndMsgId() {
        start("up-qos1/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-qos1");
            int topicId = sensor.register("up-qos1/t", 1);
            assertEquals(1, topicId, "the first id a fresh session is given");
            sensor.sendBytes(new byte[] {0x0b, 0x0c, 0x20, 0x00, 0x01, 0x00, 0x02, '2', '1', '.', '5'});
            assertArrayEquals(new byte[] {0x07, 0x0d, 0x00, 0x01, 0x00, 0x02, 0x00}, sensor.receiveBytes(Sensor.WAIT));
            assertEquals(new ProbeMessage("up-qos1/t", utf8("21.5"), 1, false, false), onlyMessageAtBroker());
        }
    }

    @Test
    void qos2PublishRunsPubRecPubRelPubCompAndArrivesAtQos2() {
        start("up-qos2/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-qos2");
            int topicId = sensor.register("up-qos2/t", 1);
            sensor.sendBytes(new byte[] {0x09, 0x0c, 0x40, 0x00, (byte) topicId, 0x00, 0x03, 'o', 'n'});
            assertArrayEquals(new byte[] {0x04, 0x0f, 0x00, 0x03}, sensor.receiveBytes(Sensor.WAIT));
            sensor.sendBytes(new byte[] {0x04, 0x10, 0x00, 0x03});
            assertArrayEquals(new byte[] {0x04, 0x0e, 0x00, 0x03}, sensor.receiveBytes(Sensor.WAIT));
            assertEquals(new ProbeMessage("up-qos2/t", utf8("on"), 2, false, false), onlyMessageAtBroker());
        }
    }

    @Test
    void qos2PublishRepeatedWithDupBeforePubRelReachesTheBrokerOnceAndIsAnsweredTwice() {
        start("up-qos2dup/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-qos2dup");
            int topicId = sensor.register("up-qos2dup/t", 1);
            Publish first = publish(2, topicId, 7, "once");
            sensor.send(first);
            sensor.expect(new PubRec(7));
            sensor.send(first.withDup());
            sensor.expect(new PubRec(7));
            sensor.send(new PubRel(7));
            sensor.expect(new PubComp(7));
            assertEquals(new ProbeMessage("up-qos2dup/t", utf8("once"), 2, false, false), onlyMessageAtBroker());
        }
    }

    @Test
    void retainFlagPassesThroughToTheBroker() {
        start("up-retain/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-retain");
            int topicId = sensor.register("up-retain/t", 1);
            sensor.send(new Publish(false, 1, true, new TopicRef.Registered(topicId), 2, utf8("kept")));
            sensor.expect(new PubAck(topicId, 2, ReturnCode.ACCEPTED));
            probe.awaitMessages(1, ARRIVAL);
            try (BrokerProbe late = new BrokerProbe(broker.url())) {
                late.subscribe("up-retain/t", 1);
                ProbeMessage retained = late.awaitMessages(1, ARRIVAL).get(0);
                assertEquals(new ProbeMessage("up-retain/t", utf8("kept"), 1, true, false), retained);
            } finally {
                probe.clearRetained("up-retain/t");
            }
        }
    }

    // ---------------------------------------------------------------- predefined ids and short names

    @Test
    void predefinedTopicIdPublishArrivesAtTheConfiguredName() {
        start("predef/five");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-predefined");
            sensor.send(new Publish(false, 1, false, new TopicRef.Predefined(5), 3, utf8("p")));
            sensor.expect(new PubAck(5, 3, ReturnCode.ACCEPTED));
            assertEquals(new ProbeMessage("predef/five", utf8("p"), 1, false, false), onlyMessageAtBroker());
        }
    }

    @Test
    void shortTopicNamePublishArrivesAtTheTwoCharacterTopic() {
        start("u1");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-short");
            TopicRef.Short u1 = new TopicRef.Short("u1");
            sensor.send(new Publish(false, 1, false, u1, 4, utf8("s")));
            sensor.expect(new PubAck(u1.asId(), 4, ReturnCode.ACCEPTED));
            assertEquals(new ProbeMessage("u1", utf8("s"), 1, false, false), onlyMessageAtBroker());
        }
    }

    // ---------------------------------------------------------------- QoS -1

    @Test
    void qosMinus1WithPredefinedIdArrivesAtQos0WithoutAConnectionOrAnswer() {
        start("predef/five");
        try (Sensor sensor = gateway.sensor()) {
            sensor.sendBytes(new byte[] {0x08, 0x0c, 0x61, 0x00, 0x05, 0x00, 0x00, 'x'});
            assertEquals(new ProbeMessage("predef/five", utf8("x"), 0, false, false), onlyMessageAtBroker());
            sensor.expectNothing(Duration.ofMillis(100));
            assertEquals(1, gateway.metrics().get(Counter.PUBLISH_IN_QOS_MINUS1));
        }
    }

    @Test
    void qosMinus1WithShortNameArrivesAtQos0WithoutAConnectionOrAnswer() {
        start("ab");
        try (Sensor sensor = gateway.sensor()) {
            sensor.sendBytes(new byte[] {0x09, 0x0c, 0x62, 'a', 'b', 0x00, 0x00, 'h', 'i'});
            assertEquals(new ProbeMessage("ab", utf8("hi"), 0, false, false), onlyMessageAtBroker());
            sensor.expectNothing(Duration.ofMillis(100));
        }
    }

    @Test
    void qosMinus1WithUnknownPredefinedIdIsDroppedAndCounted() {
        start("#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.send(new Publish(false, -1, false, new TopicRef.Predefined(9), 0, utf8("x")));
            GatewayUnderTest.await("the drop to be counted", () -> gateway.metrics().get(Counter.PUBLISH_IN_DROPPED) == 1);
            sensor.expectNothing(Duration.ofMillis(100));
            assertNothingAtBroker();
        }
    }

    @Test
    void qosMinus1WithNormalTopicIdIsDroppedAndCounted() {
        start("#");
        try (Sensor sensor = gateway.sensor()) {
            // Normal id 1 must not be mistaken for predefined id 1 (sensors/temp).
            sensor.sendBytes(new byte[] {0x08, 0x0c, 0x60, 0x00, 0x01, 0x00, 0x00, 'x'});
            GatewayUnderTest.await("the drop to be counted", () -> gateway.metrics().get(Counter.PUBLISH_IN_DROPPED) == 1);
            sensor.expectNothing(Duration.ofMillis(100));
            assertNothingAtBroker();
        }
    }

    // ---------------------------------------------------------------- rejections

    @Test
    void qos1PublishOnUnknownTopicIdGetsPubAckInvalidTopicIdWithTheIdEchoed() {
        start("#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-unknown1");
            sensor.sendBytes(new byte[] {0x0b, 0x0c, 0x20, 0x00, 0x09, 0x00, 0x04, '2', '1', '.', '5'});
            assertArrayEquals(new byte[] {0x07, 0x0d, 0x00, 0x09, 0x00, 0x04, 0x02}, sensor.receiveBytes(Sensor.WAIT));
            assertNothingAtBroker();
        }
    }

    @Test
    void qos0PublishOnUnknownTopicIdAlsoGetsPubAckInvalidTopicId() {
        start("#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-unknown0");
            sensor.send(publish(0, 9, 0, "21.5"));
            sensor.expect(new PubAck(9, 0, ReturnCode.INVALID_TOPIC_ID));
            assertNothingAtBroker();
        }
    }

    @Test
    void payloadOverTheLimitGetsPubAckCongestionAndNothingAtTheBroker() {
        start(broker, GatewayUnderTest.options().withLimits(100, 16, 10, 100, 100, 100), "up-payload/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-payload");
            int topicId = sensor.register("up-payload/t", 1);
            sensor.send(publish(1, topicId, 2, "x".repeat(17)));
            sensor.expect(new PubAck(topicId, 2, ReturnCode.CONGESTION));
            assertNothingAtBroker();
            sensor.send(publish(1, topicId, 3, "x".repeat(16)));
            sensor.expect(new PubAck(topicId, 3, ReturnCode.ACCEPTED));
            assertEquals(16, onlyMessageAtBroker().payload().length);
        }
    }

    @Test
    void brokerDownGetsPubAckCongestionAndPublishingResumesWhenItIsBack() {
        MosquittoBroker own = MosquittoBroker.start();
        try {
            start(own, GatewayUnderTest.options(), "up-outage/#");
            try (Sensor sensor = gateway.sensor()) {
                sensor.connect("up-outage");
                int topicId = sensor.register("up-outage/t", 1);
                probe.close();
                own.stop();
                GatewayUnderTest.await("the bridge to notice the outage", () -> !gateway.brokerConnected());
                sensor.send(publish(1, topicId, 2, "lost"));
                sensor.expect(new PubAck(topicId, 2, ReturnCode.CONGESTION));
                // QoS 0 has nobody to tell: refused at once by the bridge, it is only counted.
                sensor.send(publish(0, topicId, 0, "lost too"));
                GatewayUnderTest.await("the QoS 0 drop to be counted",
                        () -> gateway.metrics().get(Counter.PUBLISH_IN_DROPPED) == 1);

                own.restart();
                GatewayUnderTest.await("the bridge to reconnect", gateway::brokerConnected);
                probe = new BrokerProbe(own.url());
                probe.subscribe("up-outage/#", 2);
                sensor.send(publish(1, topicId, 3, "back"));
                sensor.expect(new PubAck(topicId, 3, ReturnCode.ACCEPTED));
                assertEquals(new ProbeMessage("up-outage/t", utf8("back"), 1, false, false), onlyMessageAtBroker());
            }
        } finally {
            stop();
            probe = null;
            gateway = null;
            own.close();
        }
    }

    @Test
    void registerOfANameWithAWildcardGetsRegAckNotSupported() {
        start("#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-regwild");
            sensor.send(new Register(0, 1, "up-regwild/+/c"));
            sensor.expect(new RegAck(0, 1, ReturnCode.NOT_SUPPORTED));
            sensor.send(new Register(0, 2, "up-regwild/#"));
            sensor.expect(new RegAck(0, 2, ReturnCode.NOT_SUPPORTED));
        }
    }

    @Test
    void registerBeyondMaxTopicsPerClientGetsRegAckCongestion() {
        start(broker, GatewayUnderTest.options().withLimits(100, 1024, 10, 2, 100, 100), "up-maxtopics/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-maxtopics");
            int a = sensor.register("up-maxtopics/a", 1);
            sensor.register("up-maxtopics/b", 2);
            sensor.send(new Register(0, 3, "up-maxtopics/c"));
            sensor.expect(new RegAck(0, 3, ReturnCode.CONGESTION));
            // A name already registered still gets its id.
            assertEquals(a, sensor.register("up-maxtopics/a", 4));
        }
    }

    @Test
    void publishBeyondTheInboundInflightBoundGetsPubAckCongestionAtOnce() {
        start(broker, GatewayUnderTest.options().withLimits(100, 1024, 1, 100, 100, 100), "up-inflight/#");
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("up-inflight");
            int topicId = sensor.register("up-inflight/t", 1);
            broker.pause();
            try {
                sensor.send(publish(1, topicId, 2, "first"));
                sensor.send(publish(1, topicId, 3, "second"));
                long sent = System.nanoTime();
                sensor.expect(new PubAck(topicId, 3, ReturnCode.CONGESTION));
                long tookMillis = (System.nanoTime() - sent) / 1_000_000;
                assertTrue(tookMillis < 1000, "the rejection must not wait for the broker, took " + tookMillis + " ms");
                sensor.expectNothing(Duration.ofMillis(300));
            } finally {
                broker.resume();
            }
            sensor.expect(new PubAck(topicId, 2, ReturnCode.ACCEPTED));
            assertEquals(new ProbeMessage("up-inflight/t", utf8("first"), 1, false, false), onlyMessageAtBroker());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
