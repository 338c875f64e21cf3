package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sleeping sensors (MQTT-SN 1.2 §6.14): messages kept while asleep, delivered on wake-up or reconnect. */
class SleepingSensorTest {
    private static MosquittoBroker broker;
    private GatewayUnderTest gateway;
    private BrokerProbe probe;

    @BeforeAll
    static void startBroker() {
        broker = MosquittoBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void startGateway() {
        gateway = GatewayUnderTest.start(broker.url());
        probe = new BrokerProbe(broker.url());
    }

    @AfterEach
    void stop() {
        probe.close();
        gateway.close();
    }

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
}
