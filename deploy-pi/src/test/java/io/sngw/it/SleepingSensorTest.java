package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sleeping sensors (MQTT-SN 1.2 §6.14): messages kept while asleep, delivered on wake-up or reconnect. */
class SleepingSensorTest extends EndToEndTest {
    private int subscribeAndSleep(Sensor sensor, String clientId, String topic, int sleepSeconds) {
        sensor.connect(clientId, 60, false);
        int topicId = sensor.subscribe(topic, 1, 1).topicId();
        sensor.send(new Disconnect(sleepSeconds));
        sensor.expect(new Disconnect());
        return topicId;
    }

    private static String text(Publish publish) {
        return new String(publish.data(), StandardCharsets.UTF_8);
    }

    @Test
    void wakingSensorGetsWhatArrivedWhileAsleepThenPingResp() {
        try (Sensor sensor = gateway.sensor()) {
            int topicId = subscribeAndSleep(sensor, "sleeper-wake", "sleep/wake", 60);
            probe.publish("sleep/wake", "one", 1, false);
            probe.publish("sleep/wake", "two", 0, false);
            sensor.expectNothing(Duration.ofMillis(500));

            sensor.send(new PingReq("sleeper-wake"));
            Publish first = sensor.expect(Publish.class);
            assertEquals(new TopicRef.Registered(topicId), first.topic());
            assertEquals("one", text(first));
            assertEquals(1, first.qos());
            sensor.send(new PubAck(topicId, first.msgId(), ReturnCode.ACCEPTED));
            Publish second = sensor.expect(Publish.class);
            assertEquals("two", text(second));
            assertEquals(0, second.qos());
            sensor.expect(new PingResp());

            probe.publish("sleep/wake", "three", 1, false);
            sensor.expectNothing(Duration.ofMillis(500));
        }
    }

    @Test
    void wakingSensorWithNothingBufferedGetsPingRespAtOnce() {
        try (Sensor sensor = gateway.sensor()) {
            subscribeAndSleep(sensor, "sleeper-empty", "sleep/empty", 60);
            sensor.send(new PingReq("sleeper-empty"));
            sensor.expect(new PingResp());
        }
    }

    @Test
    void reconnectingSensorGetsItsBufferAfterConnAck() {
        try (Sensor sensor = gateway.sensor()) {
            subscribeAndSleep(sensor, "sleeper-connect", "sleep/connect", 60);
            probe.publish("sleep/connect", "kept", 1, false);
            sensor.expectNothing(Duration.ofMillis(300));

            sensor.send(new Connect(false, false, 60, "sleeper-connect"));
            sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
            assertEquals("kept", text(sensor.expect(Publish.class)));
        }
    }

    @Test
    void sensorThatOversleepsIsLostAndItsWillPublished() {
        probe.subscribe("sleep/will", 1);
        try (Sensor sensor = gateway.sensor()) {
            sensor.send(new Connect(true, true, 60, "sleeper-lost"));
            sensor.expect(new WillTopicReq());
            sensor.send(new WillTopic(0, false, "sleep/will"));
            sensor.expect(new WillMsgReq());
            sensor.send(new WillMsg("overslept".getBytes(StandardCharsets.UTF_8)));
            sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
            sensor.send(new Disconnect(1));
            sensor.expect(new Disconnect());
            ProbeMessage will = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertEquals("overslept", will.payloadString());
        }
    }

    @Test
    void qos2MessageKeptWhileAsleepIsDeliveredWithItsHandshakeBeforePingResp() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("sleeper-qos2", 60, false);
            int topicId = sensor.subscribe("sleep/qos2", 2, 1).topicId();
            sensor.send(new Disconnect(60));
            sensor.expect(new Disconnect());
            probe.publish("sleep/qos2", "exactly-once", 2, false);
            sensor.expectNothing(Duration.ofMillis(300));

            sensor.send(new PingReq("sleeper-qos2"));
            Publish publish = sensor.expect(Publish.class);
            assertEquals(2, publish.qos());
            assertEquals("exactly-once", text(publish));
            sensor.send(new PubRec(publish.msgId()));
            sensor.expect(new PubRel(publish.msgId()));
            sensor.expectNothing(Duration.ofMillis(200)); // no PINGRESP while the handshake is open
            sensor.send(new PubComp(publish.msgId()));
            sensor.expect(new PingResp());
            assertEquals(new TopicRef.Registered(topicId), publish.topic());
        }
    }

    @Test
    void messageArrivingWhileAwakeIsDeliveredInTheSameWindow() {
        try (Sensor sensor = gateway.sensor()) {
            int topicId = subscribeAndSleep(sensor, "sleeper-window", "sleep/window", 60);
            probe.publish("sleep/window", "before", 1, false);
            sensor.expectNothing(Duration.ofMillis(300));

            sensor.send(new PingReq("sleeper-window"));
            Publish first = sensor.expect(Publish.class);
            probe.publish("sleep/window", "during", 1, false); // arrives while the first awaits its PUBACK
            Publish second = sensor.expect(Publish.class);
            assertEquals("during", text(second));
            sensor.send(new PubAck(topicId, first.msgId(), ReturnCode.ACCEPTED));
            sensor.expectNothing(Duration.ofMillis(200)); // no PINGRESP while "during" is unacknowledged
            sensor.send(new PubAck(topicId, second.msgId(), ReturnCode.ACCEPTED));
            sensor.expect(new PingResp());
        }
    }

    @Test
    void fullSleepBufferDropsTheOldestAndCountsIt() {
        try (GatewayUnderTest small = GatewayUnderTest.start(broker.url(),
                GatewayUnderTest.options().withLimits(100, 1024, 10, 100, 10, 3));
             Sensor sensor = small.sensor()) {
            sensor.connect("sleeper-full", 60, false);
            int topicId = sensor.subscribe("sleep/full", 0, 1).topicId();
            sensor.send(new Disconnect(60));
            sensor.expect(new Disconnect());
            for (int i = 1; i <= 5; i++) {
                probe.publish("sleep/full", "m" + i, 0, false);
            }
            GatewayUnderTest.await("two messages dropped", () -> small.metrics().get(Counter.BUFFER_OVERFLOW_DROPPED) == 2);

            sensor.send(new PingReq("sleeper-full"));
            Publish oldestKept = sensor.expect(Publish.class);
            assertEquals(new TopicRef.Registered(topicId), oldestKept.topic());
            assertEquals(List.of("m3", "m4", "m5"), List.of(text(oldestKept),
                    text(sensor.expect(Publish.class)), text(sensor.expect(Publish.class))));
            sensor.expect(new PingResp());
        }
    }

    @Test
    void sleepingSensorMayPublishWithItsRegisteredTopicIdWithoutWakingUp() {
        probe.subscribe("sleep/out", 1);
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("sleeper-publisher", 60, false);
            int topicId = sensor.register("sleep/out", 1);
            sensor.send(new Disconnect(60));
            sensor.expect(new Disconnect());

            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(topicId), 7, "from-bed".getBytes(StandardCharsets.UTF_8)));
            sensor.expect(new PubAck(topicId, 7, ReturnCode.ACCEPTED));
            assertEquals("from-bed", probe.awaitMessages(1, Duration.ofSeconds(5)).get(0).payloadString());
            sensor.send(new PingReq("sleeper-publisher"));
            sensor.expect(new PingResp()); // still asleep: the wake-up cycle works as before
        }
    }

    @Test
    void sleepDurationIsSupervisedSeparatelyFromKeepAlive() {
        probe.subscribe("sleep/long-will", 1);
        try (Sensor sensor = gateway.sensor()) {
            sensor.send(new Connect(true, true, 1, "sleeper-long"));
            sensor.expect(new WillTopicReq());
            sensor.send(new WillTopic(0, false, "sleep/long-will"));
            sensor.expect(new WillMsgReq());
            sensor.send(new WillMsg("gone".getBytes(StandardCharsets.UTF_8)));
            sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
            sensor.send(new Disconnect(4)); // keep-alive 1 s, asleep for 4 s

            sensor.expect(new Disconnect());
            sensor.expectNothing(Duration.ofMillis(2500)); // well past keep-alive × 1.5
            assertTrue(probe.messages().isEmpty(), "lost after the keep-alive, though it said it would sleep for 4 s");
            sensor.send(new PingReq("sleeper-long"));
            sensor.expect(new PingResp());
        }
    }
}
