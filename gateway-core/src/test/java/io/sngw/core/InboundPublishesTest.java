package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
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
import io.sngw.core.upstream.UpstreamUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sensor → broker at QoS 1 and 2: acknowledged only once the broker has the message; QoS 2 repeats detected. */
class InboundPublishesTest {
    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults());
    private final SensorEnd sensor = core.sensor("pub");
    private int topicId;

    @AfterEach
    void close() {
        core.close();
    }

    private void connectAndRegister() {
        sensor.send(new Connect(false, true, 60, "pub"));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        sensor.send(new Register(0, 1, "up/pub"));
        topicId = sensor.expect(RegAck.class).topicId();
    }

    private Publish publish(int qos, int msgId, String text) {
        return new Publish(false, qos, false, new TopicRef.Registered(topicId), msgId, text.getBytes());
    }

    @Test
    void qos1PubAckWaitsForTheBrokersAcknowledgement() {
        connectAndRegister();
        core.broker.holdAcks = true;
        sensor.send(publish(1, 2, "reading"));
        sensor.expectNothing();
        core.brokerAnswers(null);
        sensor.expect(new PubAck(topicId, 2, ReturnCode.ACCEPTED));
        assertEquals(List.of("reading"), core.broker.payloadsOn("up/pub"));
    }

    @Test
    void qos1TheBrokerCouldNotTakeIsAnsweredWithCongestion() {
        connectAndRegister();
        core.broker.holdAcks = true;
        sensor.send(publish(1, 2, "reading"));
        core.brokerAnswers(new UpstreamUnavailableException("broker down"));
        sensor.expect(new PubAck(topicId, 2, ReturnCode.CONGESTION));
    }

    @Test
    void qos2RepeatedWithDupAfterPubRecReachesTheBrokerOnce() {
        connectAndRegister();
        sensor.send(publish(2, 7, "once"));
        sensor.expect(new PubRec(7));
        sensor.send(publish(2, 7, "once").withDup());
        sensor.expect(new PubRec(7));
        sensor.send(new PubRel(7));
        sensor.expect(new PubComp(7));
        assertEquals(List.of("once"), core.broker.payloadsOn("up/pub"));
    }

    @Test
    void aPublishToAnUnknownTopicIdIsRejectedWithInvalidTopicId() {
        connectAndRegister();
        sensor.send(new Publish(false, 1, false, new TopicRef.Registered(topicId + 1), 3, new byte[] {1}));
        sensor.expect(new PubAck(topicId + 1, 3, ReturnCode.INVALID_TOPIC_ID));
        assertEquals(List.of(), core.broker.published);
    }
}
