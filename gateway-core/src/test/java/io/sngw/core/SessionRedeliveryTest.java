package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * What a sensor had not acknowledged when it went away is resent, once it is back, with its message id and DUP; a
 * QoS 2 delivery past PUBREC resumes with PUBREL. In virtual time, so the sensor may stay away for a day.
 */
class SessionRedeliveryTest {
    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults().withRetry(Duration.ofSeconds(10), 3));

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void qos1IsResentWithItsIdAndDupAfterADayAway() {
        SensorEnd sensor = subscribed("away", "cmd/away", 1);
        core.brokerPublishes("cmd/away", "one", 1);
        Publish first = sensor.expect(Publish.class);
        sensor.send(new Disconnect());
        sensor.expect(new Disconnect());
        core.advance(Duration.ofDays(1));
        sensor.expectNothing();

        reconnect(sensor, "away");
        sensor.expect(first.withDup());
    }

    @Test
    void qos1LostAfterNRetryIsResentWithItsIdWhenTheClientReconnects() {
        SensorEnd sensor = subscribed("lost", "cmd/lost", 1);
        core.brokerPublishes("cmd/lost", "one", 1);
        Publish first = sensor.expect(Publish.class);
        core.advance(Duration.ofSeconds(40)); // three DUPs, then lost
        for (int i = 0; i < 3; i++) {
            sensor.expect(first.withDup());
        }
        reconnect(sensor, "lost");
        sensor.expect(first.withDup());
    }

    @Test
    void qos2PastPubRecResumesWithPubRel() {
        SensorEnd sensor = subscribed("rel", "cmd/rel", 2);
        core.brokerPublishes("cmd/rel", "two", 2);
        Publish first = sensor.expect(Publish.class);
        sensor.send(new PubRec(first.msgId()));
        sensor.expect(new PubRel(first.msgId()));
        sensor.send(new Disconnect());
        sensor.expect(new Disconnect());

        reconnect(sensor, "rel");
        sensor.expect(new PubRel(first.msgId()));
        sensor.send(new PubComp(first.msgId()));
        core.advance(Duration.ofMinutes(1));
        sensor.expectNothing();
    }

    @Test
    void aWakingSensorGetsItsUnacknowledgedMessageWithItsIdAndDupBeforeItsPingResp() {
        SensorEnd sensor = subscribed("dozy", "cmd/dozy", 1);
        core.brokerPublishes("cmd/dozy", "one", 1);
        Publish first = sensor.expect(Publish.class);
        sensor.send(new Disconnect(8 * 3600));
        sensor.expect(new Disconnect());
        core.advance(Duration.ofHours(8));

        sensor.send(new PingReq("dozy"));
        sensor.expect(first.withDup());
        sensor.send(new PubAck(first.topic().idField(), first.msgId(), ReturnCode.ACCEPTED));
        sensor.expect(new PingResp());
    }

    @Test
    void takeoverFromANewAddressResendsThereWithTheSameId() {
        SensorEnd old = subscribed("mover", "cmd/mover", 1);
        core.brokerPublishes("cmd/mover", "one", 1);
        Publish first = old.expect(Publish.class);

        SensorEnd moved = core.sensor("mover-new-address");
        reconnect(moved, "mover");
        old.expect(new Disconnect());
        moved.expect(first.withDup());
        old.expectNothing();
    }

    @Test
    void newMessagesAfterTheReconnectTakeOtherIdsAndNoDup() {
        SensorEnd sensor = subscribed("fresh", "cmd/fresh", 1);
        core.brokerPublishes("cmd/fresh", "old", 1);
        Publish old = sensor.expect(Publish.class);
        sensor.send(new Disconnect());
        sensor.expect(new Disconnect());
        core.brokerPublishes("cmd/fresh", "new", 1);

        reconnect(sensor, "fresh");
        sensor.expect(old.withDup());
        Publish fresh = sensor.expect(Publish.class);
        assertFalse(fresh.dup());
        assertNotEquals(old.msgId(), fresh.msgId());
    }

    private SensorEnd subscribed(String clientId, String topic, int qos) {
        SensorEnd sensor = core.sensor(clientId);
        reconnect(sensor, clientId);
        sensor.send(new Subscribe(false, qos, 1, new TopicRef.Name(topic)));
        assertEquals(ReturnCode.ACCEPTED, sensor.expect(SubAck.class).returnCode());
        return sensor;
    }

    private static void reconnect(SensorEnd sensor, String clientId) {
        sensor.send(new Connect(false, false, 600, clientId));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
    }
}
