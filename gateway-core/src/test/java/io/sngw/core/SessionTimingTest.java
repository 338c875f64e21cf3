package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keep-alive and sleep supervision, T_retry and N_retry, specified in virtual time: a keep-alive of a minute, a
 * sleep of ten hours and three retries ten seconds apart each take a few milliseconds of test time.
 */
class SessionTimingTest {
    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults().withRetry(Duration.ofSeconds(10), 3));

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void keepAliveExpiryAfterOneAndAHalfPeriodsPublishesTheWill() {
        SensorEnd sensor = connectWithWill("silent", 60);
        core.advance(Duration.ofSeconds(89));
        assertEquals(List.of(), core.broker.payloadsOn("will/silent"));
        core.advance(Duration.ofSeconds(2));
        assertEquals(List.of("gone"), core.broker.payloadsOn("will/silent"));
        sensor.expectNothing();
    }

    @Test
    void aPingWithinEachPeriodKeepsTheClientAliveForAnHour() {
        SensorEnd sensor = connectWithWill("pinging", 60);
        for (int minute = 0; minute < 60; minute++) {
            core.advance(Duration.ofSeconds(60));
            sensor.send(new PingReq());
            sensor.expect(new PingResp());
        }
        assertEquals(List.of(), core.broker.payloadsOn("will/pinging"));
    }

    @Test
    void messagesForASensorAsleepForHoursAreKeptAndDeliveredWhenItWakes() {
        SensorEnd sensor = connect("sleeper", 60);
        int topicId = subscribe(sensor, "cmd/sleeper", 1);
        sensor.send(new Disconnect(10 * 3600));
        sensor.expect(new Disconnect());
        core.advance(Duration.ofHours(9));
        core.brokerPublishes("cmd/sleeper", "open valve", 1);
        core.advance(Duration.ofHours(5)); // within 1.5 × the sleep duration
        sensor.expectNothing();

        sensor.send(new PingReq("sleeper"));
        Publish kept = sensor.expect(Publish.class);
        assertEquals("open valve", new String(kept.data()));
        assertEquals(new TopicRef.Registered(topicId), kept.topic());
        sensor.send(new PubAck(topicId, kept.msgId(), ReturnCode.ACCEPTED));
        sensor.expect(new PingResp());
    }

    @Test
    void aSleeperSilentForOneAndAHalfSleepDurationsIsLostAndItsWillPublished() {
        SensorEnd sensor = connectWithWill("overslept", 60);
        sensor.send(new Disconnect(3600));
        sensor.expect(new Disconnect());
        core.advance(Duration.ofMinutes(89));
        assertEquals(List.of(), core.broker.payloadsOn("will/overslept"));
        core.advance(Duration.ofMinutes(2));
        assertEquals(List.of("gone"), core.broker.payloadsOn("will/overslept"));
    }

    @Test
    void anUnacknowledgedPublishIsResentWithDupEveryTRetryThenTheClientIsLostAfterNRetry() {
        SensorEnd sensor = connectWithWill("deaf", 600);
        int topicId = subscribe(sensor, "cmd/deaf", 1);
        core.brokerPublishes("cmd/deaf", "hello", 1);
        Publish first = sensor.expect(Publish.class);
        assertFalse(first.dup());
        for (int retry = 1; retry <= 3; retry++) {
            core.advance(Duration.ofMillis(9_999));
            sensor.expectNothing();
            core.advance(Duration.ofMillis(1));
            sensor.expect(first.withDup());
        }
        assertEquals(List.of(), core.broker.payloadsOn("will/deaf"));
        core.advance(Duration.ofSeconds(10));
        assertEquals(List.of("gone"), core.broker.payloadsOn("will/deaf"));
        sensor.expectNothing();
        assertTrue(topicId > 0);
    }

    @Test
    void anAcknowledgementStopsTheRetries() {
        SensorEnd sensor = connect("acks", 600);
        int topicId = subscribe(sensor, "cmd/acks", 1);
        core.brokerPublishes("cmd/acks", "hello", 1);
        Publish first = sensor.expect(Publish.class);
        core.advance(Duration.ofSeconds(10));
        sensor.expect(first.withDup());
        sensor.send(new PubAck(topicId, first.msgId(), ReturnCode.ACCEPTED));
        core.advance(Duration.ofMinutes(5));
        sensor.expectNothing();
        assertEquals(1, core.time.pendingTimers(), "only the keep-alive supervision is left");
    }

    @Test
    void anUnansweredWillDialogueIsAbandonedAfterNRetry() {
        SensorEnd sensor = core.sensor("mute");
        sensor.send(new Connect(true, true, 60, "mute"));
        sensor.expect(new WillTopicReq());
        for (int retry = 1; retry <= 3; retry++) {
            core.advance(Duration.ofSeconds(10));
            sensor.expect(new WillTopicReq());
        }
        core.advance(Duration.ofSeconds(10));
        sensor.expectNothing();
        sensor.send(new PingReq());
        sensor.expect(new Disconnect()); // no session: the CONNECT never completed
    }

    private SensorEnd connect(String clientId, int keepAlive) {
        SensorEnd sensor = core.sensor(clientId);
        sensor.send(new Connect(false, false, keepAlive, clientId));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        return sensor;
    }

    private SensorEnd connectWithWill(String clientId, int keepAlive) {
        SensorEnd sensor = core.sensor(clientId);
        sensor.send(new Connect(true, false, keepAlive, clientId));
        sensor.expect(new WillTopicReq());
        sensor.send(new WillTopic(1, false, "will/" + clientId));
        sensor.expect(new WillMsgReq());
        sensor.send(new WillMsg("gone".getBytes()));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        return sensor;
    }

    private static int subscribe(SensorEnd sensor, String topic, int qos) {
        sensor.send(new Subscribe(false, qos, 1, new TopicRef.Name(topic)));
        SubAck ack = sensor.expect(SubAck.class);
        assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
        return ack.topicId();
    }
}
