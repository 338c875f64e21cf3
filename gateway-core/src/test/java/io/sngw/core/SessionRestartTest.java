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
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A restart of the core on the same store (a second harness on one {@link MemoryStore}): sessions come back at their
 * addresses, and what a sensor had not acknowledged resumes with its message id: PUBLISH with DUP, or PUBREL.
 */
class SessionRestartTest {
    private static final GatewayOptions OPTIONS = GatewayOptions.defaults();
    private final MemoryStore store = new MemoryStore();

    @Test
    void unacknowledgedDeliveriesResumeWithTheirIdsAfterARestart() {
        Publish one;
        Publish two;
        try (CoreHarness before = new CoreHarness(OPTIONS, store)) {
            SensorEnd sensor = before.sensor("restarted");
            connectAndSubscribe(sensor, "restarted", "cmd/q1", 1, 1);
            connectedSubscribe(sensor, "cmd/q2", 2, 2);
            before.brokerPublishes("cmd/q1", "one", 1);
            one = sensor.expect(Publish.class);
            before.brokerPublishes("cmd/q2", "two", 2);
            two = sensor.expect(Publish.class);
            sensor.send(new PubRec(two.msgId()));
            sensor.expect(new PubRel(two.msgId()));
        }
        try (CoreHarness after = new CoreHarness(OPTIONS, store)) {
            SensorEnd sensor = after.sensor("restarted");
            sensor.expect(one.withDup());
            sensor.expect(new PubRel(two.msgId()));
            after.brokerPublishes("cmd/q1", "three", 1);
            Publish three = sensor.expect(Publish.class);
            assertFalse(three.dup());
            assertNotEquals(one.msgId(), three.msgId());
            assertNotEquals(two.msgId(), three.msgId());
            sensor.send(new PubAck(one.topic().idField(), one.msgId(), ReturnCode.ACCEPTED));
            sensor.send(new PubComp(two.msgId()));
            sensor.send(new PubAck(three.topic().idField(), three.msgId(), ReturnCode.ACCEPTED));
            after.advance(Duration.ofMinutes(1));
            sensor.expectNothing();
        }
    }

    @Test
    void aSleeperFindsItsUnacknowledgedMessageWithItsIdWhenItWakesAfterARestart() {
        Publish first;
        try (CoreHarness before = new CoreHarness(OPTIONS, store)) {
            SensorEnd sensor = before.sensor("sleeper");
            connectAndSubscribe(sensor, "sleeper", "cmd/sleeper", 1, 1);
            before.brokerPublishes("cmd/sleeper", "one", 1);
            first = sensor.expect(Publish.class);
            sensor.send(new Disconnect(3600));
            sensor.expect(new Disconnect());
        }
        try (CoreHarness after = new CoreHarness(OPTIONS, store)) {
            SensorEnd sensor = after.sensor("sleeper");
            after.advance(Duration.ofMinutes(50));
            sensor.expectNothing(); // asleep: nothing is sent before it wakes
            sensor.send(new PingReq("sleeper"));
            sensor.expect(first.withDup());
            sensor.send(new PubAck(first.topic().idField(), first.msgId(), ReturnCode.ACCEPTED));
            sensor.expect(new PingResp());
        }
    }

    private static void connectAndSubscribe(SensorEnd sensor, String clientId, String topic, int qos, int msgId) {
        sensor.send(new Connect(false, false, 600, clientId));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        connectedSubscribe(sensor, topic, qos, msgId);
    }

    private static void connectedSubscribe(SensorEnd sensor, String topic, int qos, int msgId) {
        sensor.send(new Subscribe(false, qos, msgId, new TopicRef.Name(topic)));
        assertEquals(ReturnCode.ACCEPTED, sensor.expect(SubAck.class).returnCode());
    }
}
