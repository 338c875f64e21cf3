package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broker → sensor: SUBSCRIBE in its three forms, REGISTER before unknown topics, QoS flows, retries, limits. */
class DeliverDownstreamTest extends SharedBrokerTest {
    /** Long enough to watch for an unwanted message, shorter than the test T_retry of 300 ms where it matters. */
    private static final Duration QUIET = Duration.ofMillis(250);

    private GatewayUnderTest gateway;
    private BrokerProbe probe;

    private void start(MosquittoBroker on, GatewayOptions options) {
        gateway = GatewayUnderTest.start(on.url(), options);
        probe = new BrokerProbe(on.url());
    }

    private void start(GatewayOptions options) {
        start(broker, options);
    }

    private void start() {
        start(GatewayUnderTest.options());
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

    /** Expects the gateway's REGISTER of {@code topic}, checks it and accepts it; returns the new id. */
    private static int acceptRegister(Sensor sensor, String topic) {
        Register register = sensor.expect(Register.class);
        assertEquals(topic, register.topicName());
        assertNotEquals(0, register.topicId());
        assertNotEquals(0xFFFF, register.topicId());
        sensor.send(new RegAck(register.topicId(), register.msgId(), ReturnCode.ACCEPTED));
        return register.topicId();
    }

    private static Publish expectPublish(Sensor sensor, int qos, TopicRef topic, String payload) {
        Publish publish = sensor.expect(Publish.class);
        assertEquals(qos, publish.qos(), "QoS of " + publish);
        assertEquals(topic, publish.topic());
        assertEquals(payload, new String(publish.data(), StandardCharsets.UTF_8));
        assertFalse(publish.dup(), "first delivery without DUP: " + publish);
        if (qos == 0) {
            assertEquals(0, publish.msgId());
        } else {
            assertNotEquals(0, publish.msgId());
        }
        return publish;
    }

    // ---------------------------------------------------------------- the three forms of SUBSCRIBE

    @Test
    void subscribeByExactNameGetsItsTopicIdAndDeliveriesUseIt() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-exact");
            SubAck ack = sensor.subscribe("down-exact/t", 1, 1);
            assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
            assertEquals(1, ack.grantedQos());
            assertNotEquals(0, ack.topicId());
            probe.publish("down-exact/t", "hello", 0, false);
            sensor.expect(new Publish(false, 0, false, new TopicRef.Registered(ack.topicId()), 0, utf8("hello")));
        }
    }

    @Test
    void subscribeWithPlusGetsTopicIdZeroAndEachNewTopicIsRegisteredBeforeItsFirstPublish() {
        subscribeWithWildcardRegistersBeforePublishing("down-plus", "down-plus/+/t", "down-plus/a/t");
    }

    @Test
    void subscribeWithHashGetsTopicIdZeroAndEachNewTopicIsRegisteredBeforeItsFirstPublish() {
        subscribeWithWildcardRegistersBeforePublishing("down-hash", "down-hash/#", "down-hash/a/b");
    }

    private void subscribeWithWildcardRegistersBeforePublishing(String clientId, String filter, String topic) {
        // T_retry longer than the wait below, so that a resent REGISTER cannot be mistaken for an early PUBLISH.
        start(GatewayUnderTest.options().withRetry(Duration.ofSeconds(3), 2));
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect(clientId);
            sensor.send(new Subscribe(false, 0, 1, new TopicRef.Name(filter)));
            sensor.expect(new SubAck(0, 0x0000, 1, ReturnCode.ACCEPTED));

            probe.publish(topic, "first", 0, false);
            Register register = sensor.expect(Register.class);
            assertEquals(topic, register.topicName());
            assertNotEquals(0, register.topicId());
            sensor.expectNothing(Duration.ofMillis(500)); // no PUBLISH before the sensor knows the id
            sensor.send(new RegAck(register.topicId(), register.msgId(), ReturnCode.ACCEPTED));
            TopicRef id = new TopicRef.Registered(register.topicId());
            sensor.expect(new Publish(false, 0, false, id, 0, utf8("first")));

            probe.publish(topic, "second", 0, false);
            sensor.expect(new Publish(false, 0, false, id, 0, utf8("second")));
        }
    }

    @Test
    void subscribeByPredefinedIdGetsThatIdAndDeliveriesUseThePredefinedType() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-predefined");
            sensor.send(new Subscribe(false, 0, 1, new TopicRef.Predefined(5)));
            sensor.expect(new SubAck(0, 5, 1, ReturnCode.ACCEPTED));
            probe.publish("predef/five", "p", 0, false);
            byte[] wire = sensor.receiveBytes(Sensor.WAIT);
            // PUBLISH, flags: QoS 0, TopicIdType 01 (predefined), topic id 5, msg id 0, 'p'
            assertArrayEquals(new byte[] {0x08, 0x0c, 0x01, 0x00, 0x05, 0x00, 0x00, 'p'}, wire);
        }
    }

    @Test
    void subscribeByTheNameOfAPredefinedTopicDeliversWithTheIdFromSubAck() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-predefined-name");
            SubAck ack = sensor.subscribe("sensors/temp", 0, 1);
            assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
            // SUBACK has no TopicIdType: the id it carries is a normal id, and that is the id the sensor now knows.
            probe.publish("sensors/temp", "21.5", 0, false);
            sensor.expect(new Publish(false, 0, false, new TopicRef.Registered(ack.topicId()), 0, utf8("21.5")));
        }
    }

    @Test
    void subscribeByShortNameGetsDeliveriesWithTheShortName() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-short");
            sensor.send(new Subscribe(false, 0, 1, new TopicRef.Short("d1")));
            sensor.expect(new SubAck(0, 0x0000, 1, ReturnCode.ACCEPTED));
            probe.publish("d1", "s", 0, false);
            sensor.expect(new Publish(false, 0, false, new TopicRef.Short("d1"), 0, utf8("s")));
        }
    }

    @Test
    void subscribeToAnUnknownPredefinedIdGetsSubAckInvalidTopicId() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-unknown-predefined");
            sensor.send(new Subscribe(false, 0, 3, new TopicRef.Predefined(9)));
            SubAck ack = sensor.expect(SubAck.class);
            assertEquals(3, ack.msgId());
            assertEquals(ReturnCode.INVALID_TOPIC_ID, ack.returnCode());
        }
    }

    // ---------------------------------------------------------------- QoS

    @Test
    void qos0DeliveryNeedsNoAnswer() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-qos0");
            int topicId = sensor.subscribe("down-qos0/t", 0, 1).topicId();
            probe.publish("down-qos0/t", "zero", 0, false);
            expectPublish(sensor, 0, new TopicRef.Registered(topicId), "zero");
            sensor.expectNothing(Duration.ofMillis(450)); // nothing resent after T_retry
        }
    }

    @Test
    void qos1DeliveryIsAcknowledgedWithPubAckAndNotResent() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-qos1");
            int topicId = sensor.subscribe("down-qos1/t", 1, 1).topicId();
            probe.publish("down-qos1/t", "one", 1, false);
            Publish publish = expectPublish(sensor, 1, new TopicRef.Registered(topicId), "one");
            sensor.send(new PubAck(topicId, publish.msgId(), ReturnCode.ACCEPTED));
            sensor.expectNothing(Duration.ofMillis(450)); // past T_retry: acknowledged, so not resent
            assertEquals(0, gateway.metrics().get(Counter.PUBLISH_OUT_RETRIES));
        }
    }

    @Test
    void qos2DeliveryRunsPubRecPubRelPubComp() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-qos2");
            int topicId = sensor.subscribe("down-qos2/t", 2, 1).topicId();
            probe.publish("down-qos2/t", "two", 2, false);
            Publish publish = expectPublish(sensor, 2, new TopicRef.Registered(topicId), "two");
            sensor.send(new PubRec(publish.msgId()));
            sensor.expect(new PubRel(publish.msgId()));
            sensor.send(new PubComp(publish.msgId()));
            sensor.expectNothing(Duration.ofMillis(450)); // past T_retry: complete, so nothing resent
        }
    }

    @Test
    void grantedQosIsTheLowerOfRequestedAndTheBrokers() {
        MosquittoBroker qos1Broker = MosquittoBroker.start(List.of("max_qos 1"));
        try {
            start(qos1Broker, GatewayUnderTest.options());
            try (Sensor sensor = gateway.sensor()) {
                sensor.connect("down-granted");
                assertEquals(1, sensor.subscribe("down-granted/a", 2, 1).grantedQos(), "broker grants at most 1");
                assertEquals(0, sensor.subscribe("down-granted/b", 0, 2).grantedQos(), "sensor asked for 0");
                assertEquals(1, sensor.subscribe("down-granted/c", 1, 3).grantedQos());
            }
        } finally {
            stop();
            probe = null;
            gateway = null;
            qos1Broker.close();
        }
    }

    @Test
    void deliveryQosIsTheLowerOfMessageAndSubscriptionQos() {
        start();
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-minqos");
            int topicId = sensor.subscribe("down-minqos/t", 1, 1).topicId();
            TopicRef ref = new TopicRef.Registered(topicId);
            probe.publish("down-minqos/t", "sent at 2", 2, false);
            Publish publish = expectPublish(sensor, 1, ref, "sent at 2");
            sensor.send(new PubAck(topicId, publish.msgId(), ReturnCode.ACCEPTED));
            probe.publish("down-minqos/t", "sent at 0", 0, false);
            expectPublish(sensor, 0, ref, "sent at 0");
        }
    }

    // ---------------------------------------------------------------- retries and loss

    @Test
    void unacknowledgedQos1IsResentWithDupAfterTRetryThenTheClientIsLostAndItsWillPublished() {
        start();
        probe.subscribe("will/down-retry", 1);
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("down-retry", 60, true, "will/down-retry", "no acks");
            sensor.subscribe("down-retry/t", 1, 1);

            probe.publish("down-retry/t", "ack me", 1, false);
            Publish first = sensor.expect(Publish.class);
            long sent = System.nanoTime();
            assertFalse(first.dup());
            for (int resend = 1; resend <= 2; resend++) {
                sensor.expect(first.withDup()); // same msg id, DUP set
                long afterMillis = (System.nanoTime() - sent) / 1_000_000;
                assertTrue(afterMillis >= 250 * resend, "resend " + resend + " came after only " + afterMillis + " ms");
            }
            ProbeMessage will = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertEquals(new ProbeMessage("will/down-retry", utf8("no acks"), 1, false, false), will);
            assertEquals(1, gateway.metrics().get(Counter.CLIENTS_LOST));
            sensor.expectNothing(QUIET);
        }
    }

    // ---------------------------------------------------------------- retained messages

    @Test
    void retainedMessageIsDeliveredOnSubscribeWithRetainButNotAgainToAnEarlierSubscriber() {
        start();
        probe.publish("down-retained/t", "last value", 1, true);
        try (Sensor first = gateway.sensor(); Sensor second = gateway.sensor()) {
            first.connect("down-retained-1");
            int firstId = first.subscribe("down-retained/t", 1, 1).topicId();
            Publish p1 = first.expect(Publish.class);
            assertEquals(new Publish(false, 1, true, new TopicRef.Registered(firstId), p1.msgId(), utf8("last value")), p1);
            first.send(new PubAck(firstId, p1.msgId(), ReturnCode.ACCEPTED));

            second.connect("down-retained-2");
            int secondId = second.subscribe("down-retained/t", 1, 1).topicId();
            Publish p2 = second.expect(Publish.class);
            assertEquals(new Publish(false, 1, true, new TopicRef.Registered(secondId), p2.msgId(), utf8("last value")), p2);
            second.send(new PubAck(secondId, p2.msgId(), ReturnCode.ACCEPTED));

            first.expectNothing(Duration.ofMillis(500));
        } finally {
            probe.clearRetained("down-retained/t");
        }
    }

    // ---------------------------------------------------------------- unsubscribe, overlaps

    @Test
    void unsubscribeIsAnsweredAndStopsDeliveries() {
        start();
        try (Sensor leaving = gateway.sensor(); Sensor staying = gateway.sensor()) {
            leaving.connect("down-unsub-1");
            staying.connect("down-unsub-2");
            int leavingId = leaving.subscribe("down-unsub/t", 0, 1).topicId();
            int stayingId = staying.subscribe("down-unsub/t", 0, 1).topicId();
            probe.publish("down-unsub/t", "before", 0, false);
            leaving.expect(new Publish(false, 0, false, new TopicRef.Registered(leavingId), 0, utf8("before")));
            staying.expect(new Publish(false, 0, false, new TopicRef.Registered(stayingId), 0, utf8("before")));

            leaving.send(new Unsubscribe(2, new TopicRef.Name("down-unsub/t")));
            leaving.expect(new UnsubAck(2));
            probe.publish("down-unsub/t", "after", 0, false);
            // The message did flow through the gateway: the other subscriber has it.
            staying.expect(new Publish(false, 0, false, new TopicRef.Registered(stayingId), 0, utf8("after")));
            leaving.expectNothing(QUIET);
        }
    }

    @Test
    void twoSensorsOnOverlappingFiltersEachGetOneCopy() {
        start(GatewayUnderTest.options().withRetry(Duration.ofSeconds(3), 2));
        try (Sensor a = gateway.sensor(); Sensor b = gateway.sensor()) {
            a.connect("down-overlap-a");
            b.connect("down-overlap-b");
            a.subscribe("down-overlap/#", 0, 1);
            b.subscribe("down-overlap/+/x", 0, 1);
            int bExactId = b.subscribe("down-overlap/a/x", 0, 2).topicId();
            probe.publish("down-overlap/a/x", "once", 0, false);

            int aId = acceptRegister(a, "down-overlap/a/x");
            a.expect(new Publish(false, 0, false, new TopicRef.Registered(aId), 0, utf8("once")));
            b.expect(new Publish(false, 0, false, new TopicRef.Registered(bExactId), 0, utf8("once")));
            a.expectNothing(Duration.ofMillis(500));
            b.expectNothing(Duration.ofMillis(100));
        }
    }

    // ---------------------------------------------------------------- limits

    @Test
    void onlyMaxInflightPublishesAreOutstandingUntilTheSensorAcknowledges() {
        // T_retry of 3 s: no resend may blur which PUBLISHes are outstanding.
        start(GatewayUnderTest.options().withLimits(100, 1024, 2, 100, 100, 100).withRetry(Duration.ofSeconds(3), 2));
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-window");
            int topicId = sensor.subscribe("down-window/t", 1, 1).topicId();
            TopicRef ref = new TopicRef.Registered(topicId);
            for (int i = 1; i <= 3; i++) {
                probe.publish("down-window/t", "m" + i, 1, false);
            }
            Publish m1 = expectPublish(sensor, 1, ref, "m1");
            Publish m2 = expectPublish(sensor, 1, ref, "m2");
            sensor.expectNothing(Duration.ofMillis(500));

            sensor.send(new PubAck(topicId, m1.msgId(), ReturnCode.ACCEPTED));
            Publish m3 = expectPublish(sensor, 1, ref, "m3");
            sensor.send(new PubAck(topicId, m2.msgId(), ReturnCode.ACCEPTED));
            sensor.send(new PubAck(topicId, m3.msgId(), ReturnCode.ACCEPTED));
            sensor.expectNothing(QUIET);
        }
    }

    @Test
    void subscribeBeyondMaxSubscriptionsPerClientGetsSubAckCongestion() {
        start(GatewayUnderTest.options().withLimits(100, 1024, 10, 100, 2, 100));
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("down-maxsubs");
            assertEquals(ReturnCode.ACCEPTED, sensor.subscribe("down-maxsubs/a", 0, 1).returnCode());
            assertEquals(ReturnCode.ACCEPTED, sensor.subscribe("down-maxsubs/+", 0, 2).returnCode());
            assertEquals(ReturnCode.CONGESTION, sensor.subscribe("down-maxsubs/c", 0, 3).returnCode());
            // Subscribing again to a filter it already has is not a new subscription.
            assertEquals(ReturnCode.ACCEPTED, sensor.subscribe("down-maxsubs/a", 1, 4).returnCode());
        }
    }
}
