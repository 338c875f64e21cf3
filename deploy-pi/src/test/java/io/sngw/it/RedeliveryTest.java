package io.sngw.it;

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
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Broker → sensor messages the sensor had not acknowledged when it went away (DISCONNECT, sleep, a new address) are
 * resent when it is back exactly as MQTT-SN asks: the same message id with DUP set, and a QoS 2 message the sensor
 * answered with PUBREC goes on with PUBREL, never a second PUBLISH. Otherwise the sensor cannot see the repeat and
 * delivers the message twice. (Across a gateway kill: {@link RedeliveryAcrossRestartTest}.)
 */
class RedeliveryTest extends EndToEndTest {
    /** Shorter than the test T_retry of 300 ms: a message in it is not a retry of the running connection. */
    private static final Duration QUIET = Duration.ofMillis(250);

    @Test
    void unacknowledgedQos1IsResentWithItsIdAndDupAfterAReconnect() {
        try (Sensor sensor = gateway.sensor()) {
            int topicId = subscribed(sensor, "redeliver-q1", "down/redeliver/q1", 1);
            probe.publish("down/redeliver/q1", "one", 1, false);
            Publish first = sensor.expect(Publish.class);
            assertFalse(first.dup(), first.toString());
            goAway(sensor);

            sensor.connect("redeliver-q1", 60, false);
            sensor.expect(first.withDup());
            sensor.send(new PubAck(topicId, first.msgId(), ReturnCode.ACCEPTED));
            sensor.expectNothing(QUIET);
        }
    }

    @Test
    void qos2NotYetReceivedIsResentAsPublishWithItsIdAndDup() {
        try (Sensor sensor = gateway.sensor()) {
            subscribed(sensor, "redeliver-q2", "down/redeliver/q2", 2);
            probe.publish("down/redeliver/q2", "two", 2, false);
            Publish first = sensor.expect(Publish.class);
            assertEquals(2, first.qos());
            goAway(sensor);

            sensor.connect("redeliver-q2", 60, false);
            sensor.expect(first.withDup());
            sensor.send(new PubRec(first.msgId()));
            sensor.expect(new PubRel(first.msgId()));
            sensor.send(new PubComp(first.msgId()));
            sensor.expectNothing(QUIET);
        }
    }

    @Test
    void qos2PastPubRecResumesWithPubRelNotASecondPublish() {
        try (Sensor sensor = gateway.sensor()) {
            subscribed(sensor, "redeliver-rel", "down/redeliver/rel", 2);
            probe.publish("down/redeliver/rel", "two", 2, false);
            Publish first = sensor.expect(Publish.class);
            sensor.send(new PubRec(first.msgId()));
            sensor.expect(new PubRel(first.msgId()));
            goAway(sensor);

            sensor.connect("redeliver-rel", 60, false);
            sensor.expect(new PubRel(first.msgId()));
            sensor.send(new PubComp(first.msgId()));
            sensor.expectNothing(QUIET);
        }
    }

    @Test
    void unacknowledgedQos1IsResentWithItsIdAndDupWhenTheSensorWakes() {
        try (Sensor sensor = gateway.sensor()) {
            int topicId = subscribed(sensor, "redeliver-wake", "down/redeliver/wake", 1);
            probe.publish("down/redeliver/wake", "one", 1, false);
            Publish first = sensor.expect(Publish.class);
            sensor.send(new Disconnect(3600));
            sensor.expect(new Disconnect());

            sensor.send(new PingReq("redeliver-wake"));
            sensor.expect(first.withDup());
            sensor.send(new PubAck(topicId, first.msgId(), ReturnCode.ACCEPTED));
            sensor.expect(new PingResp());
        }
    }

    @Test
    void qos2PastPubRecResumesWithPubRelWhenTheSensorWakes() {
        try (Sensor sensor = gateway.sensor()) {
            subscribed(sensor, "redeliver-wake2", "down/redeliver/wake2", 2);
            probe.publish("down/redeliver/wake2", "two", 2, false);
            Publish first = sensor.expect(Publish.class);
            sensor.send(new PubRec(first.msgId()));
            sensor.expect(new PubRel(first.msgId()));
            sensor.send(new Disconnect(3600));
            sensor.expect(new Disconnect());

            sensor.send(new PingReq("redeliver-wake2"));
            sensor.expect(new PubRel(first.msgId()));
            sensor.send(new PubComp(first.msgId()));
            sensor.expect(new PingResp());
        }
    }

    @Test
    void takeoverFromANewAddressGetsTheUnacknowledgedMessagesWithTheirIdsAndDup() {
        try (Sensor old = gateway.sensor(); Sensor moved = gateway.sensor()) {
            int topicId = subscribed(old, "redeliver-move", "down/redeliver/move", 1);
            probe.publish("down/redeliver/move", "one", 1, false);
            Publish q1 = old.expect(Publish.class);

            moved.send(new Connect(false, false, 60, "redeliver-move"));
            old.expect(new Disconnect());
            moved.expect(new ConnAck(ReturnCode.ACCEPTED));
            moved.expect(q1.withDup());
            moved.send(new PubAck(topicId, q1.msgId(), ReturnCode.ACCEPTED));
            moved.expectNothing(QUIET);
        }
    }

    /** Connects with CleanSession=false and subscribes to a topic name: the SUBACK gives its id. */
    private static int subscribed(Sensor sensor, String clientId, String filter, int qos) {
        sensor.connect(clientId, 60, false);
        return sensor.subscribe(filter, qos, 1).topicId();
    }

    /** DISCONNECT without a sleep duration: the persistent session keeps what is unacknowledged. */
    private static void goAway(Sensor sensor) {
        sensor.send(new Disconnect());
        sensor.expect(new Disconnect());
    }

}
