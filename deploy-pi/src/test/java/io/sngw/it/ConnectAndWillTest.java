package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CONNECT, the will dialogue, will updates, keep-alive supervision, DISCONNECT and takeover, end to end. */
class ConnectAndWillTest extends EndToEndTest {
    @BeforeEach
    void subscribeProbe() {
        probe.subscribe("will/#", 1);
    }

    @Test
    void connectIsAnsweredWithConnAckAccepted() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.sendBytes(new byte[] {0x0d, 0x04, 0x04, 0x01, 0x00, 0x3c, 's', 'e', 'n', 's', 'o', 'r', '1'});
            assertEquals(List.of((byte) 0x03, (byte) 0x05, (byte) 0x00), bytes(sensor.receiveBytes(Sensor.WAIT)));
        }
    }

    @Test
    void connectWithAClientIdOver23BytesIsRefusedWithConnAckNotSupported() {
        // Paho's qos0pub_register sample connects with this 33-byte id; silence would leave it waiting for ever.
        byte[] id = "PahoMQTT-SN-qos0pub_register-0001".getBytes(StandardCharsets.US_ASCII);
        byte[] connect = new byte[6 + id.length];
        connect[0] = (byte) connect.length;
        connect[1] = 0x04; // CONNECT
        connect[2] = 0x04; // CleanSession
        connect[3] = 0x01; // protocol id
        connect[5] = 0x3c; // keep-alive 60 s
        System.arraycopy(id, 0, connect, 6, id.length);
        try (Sensor sensor = gateway.sensor()) {
            sensor.sendBytes(connect);
            assertEquals(List.of((byte) 0x03, (byte) 0x05, (byte) 0x03), bytes(sensor.receiveBytes(Sensor.WAIT)));
        }
    }

    @Test
    void willDialogueAsksForTopicThenMessageThenAccepts() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("will-dialogue", 60, true, "will/dialogue", "gone");
            sensor.send(new PingReq());
            sensor.expect(new PingResp());
        }
    }

    @Test
    void keepAliveExpiryPublishesTheWillAtTheBroker() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("will-expiry", 1, true, "will/expiry", "sensor went silent");
            List<ProbeMessage> wills = probe.awaitMessages(1, Duration.ofSeconds(5));
            assertEquals("will/expiry", wills.get(0).topic());
            assertEquals("sensor went silent", wills.get(0).payloadString());
            assertEquals(1, wills.get(0).qos());
            assertEquals(1, gateway.metrics().get(Counter.CLIENTS_LOST));
        }
    }

    @Test
    void keepAliveIsHonouredWhileTheSensorPings() throws InterruptedException {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("will-pinging", 1, true, "will/pinging", "x");
            for (int i = 0; i < 6; i++) {
                Thread.sleep(400);
                sensor.send(new PingReq());
                sensor.expect(new PingResp());
            }
            assertEquals(0, gateway.metrics().get(Counter.CLIENTS_LOST));
            assertTrue(probe.messages().isEmpty(), "no will while the sensor is alive: " + probe.messages());
        }
    }

    @Test
    void emptyWillTopicMeansNoWill() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.send(new Connect(true, true, 1, "will-empty"));
            sensor.expect(new WillTopicReq());
            sensor.sendBytes(new byte[] {0x02, 0x07});
            sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
            GatewayUnderTest.await("the client to be lost", () -> gateway.metrics().get(Counter.CLIENTS_LOST) == 1);
            sensor.expectNothing(Duration.ofMillis(300));
            assertTrue(probe.messages().isEmpty(), "no will expected: " + probe.messages());
        }
    }

    @Test
    void disconnectIsAnsweredAndPublishesNoWill() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("will-disconnect", 1, true, "will/disconnect", "x");
            sensor.send(new Disconnect());
            sensor.expect(new Disconnect());
            sensor.expectNothing(Duration.ofMillis(2000));
            assertTrue(probe.messages().isEmpty(), "no will after DISCONNECT: " + probe.messages());
        }
    }

    @Test
    void willUpdatesChangeWhatIsPublishedOnLoss() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("will-update", 1, true, "will/old", "old");
            sensor.send(new WillTopicUpd(0, false, "will/new"));
            sensor.expect(new WillTopicResp(ReturnCode.ACCEPTED));
            sensor.send(new WillMsgUpd("new".getBytes(StandardCharsets.UTF_8)));
            sensor.expect(new WillMsgResp(ReturnCode.ACCEPTED));
            ProbeMessage will = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertEquals("will/new", will.topic());
            assertEquals("new", will.payloadString());
            assertEquals(0, will.qos());
        }
    }

    @Test
    void emptyWillTopicUpdateDeletesTheWill() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("will-delete", 1, true, "will/delete", "x");
            sensor.sendBytes(new byte[] {0x02, 0x1A});
            sensor.expect(new WillTopicResp(ReturnCode.ACCEPTED));
            GatewayUnderTest.await("the client to be lost", () -> gateway.metrics().get(Counter.CLIENTS_LOST) == 1);
            sensor.expectNothing(Duration.ofMillis(300));
            assertTrue(probe.messages().isEmpty(), "will was deleted: " + probe.messages());
        }
    }

    @Test
    void connectFromANewAddressTakesTheSessionOver() {
        try (Sensor first = gateway.sensor(); Sensor second = gateway.sensor()) {
            first.connect("roaming", 60, false);
            int topicId = first.register("roam/t", 1);
            second.connect("roaming", 60, false);
            first.expect(new Disconnect());
            // The registration made from the old address is still valid for the session.
            second.send(new Publish(false, 1, false, new TopicRef.Registered(topicId), 2, new byte[] {1}));
            assertEquals(ReturnCode.ACCEPTED, second.expect(PubAck.class).returnCode());
            first.send(new PingReq());
            first.expect(new Disconnect());
        }
    }

    @Test
    void cleanSessionDropsRegistrationsAndPersistentSessionKeepsThem() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("persistent", 60, false);
            int topicId = sensor.register("persist/t", 1);
            sensor.connect("persistent", 60, false);
            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(topicId), 2, new byte[] {1}));
            assertEquals(ReturnCode.ACCEPTED, sensor.expect(PubAck.class).returnCode());

            sensor.connect("persistent", 60, true);
            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(topicId), 3, new byte[] {1}));
            assertEquals(ReturnCode.INVALID_TOPIC_ID, sensor.expect(PubAck.class).returnCode());
        }
    }

    private static List<Byte> bytes(byte[] array) {
        Byte[] boxed = new Byte[array.length];
        for (int i = 0; i < array.length; i++) {
            boxed[i] = array[i];
        }
        return List.of(boxed);
    }
}
