package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subscriptions: the QoS a message is delivered at, and which retained messages answer this sensor's SUBSCRIBE. */
class SubscriptionsTest {
    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults());
    private final SensorEnd sensor = core.sensor("sub");

    @AfterEach
    void close() {
        core.close();
    }

    private int subscribe(String topic, int qos, int msgId) {
        sensor.send(new Subscribe(false, qos, msgId, new TopicRef.Name(topic)));
        SubAck ack = sensor.expect(SubAck.class);
        assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
        assertEquals(qos, ack.grantedQos());
        return ack.topicId();
    }

    private void connect() {
        sensor.send(new Connect(false, true, 600, "sub"));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
    }

    @Test
    void aRetainedMessageRightAfterTheSubscribeIsDeliveredWithRetain() {
        connect();
        int topicId = subscribe("state/valve", 0, 1);
        core.advance(Duration.ofSeconds(9));
        core.brokerPublishesRetained("state/valve", "open", 0);
        Publish retained = sensor.expect(Publish.class);
        assertTrue(retained.retain());
        assertEquals(new TopicRef.Registered(topicId), retained.topic());
    }

    @Test
    void aRetainedMessageLongAfterTheSubscribeIsForAnotherSensorsSubscription() {
        connect();
        subscribe("state/valve", 0, 1);
        core.advance(Duration.ofSeconds(11));
        core.brokerPublishesRetained("state/valve", "open", 0);
        sensor.expectNothing();
    }

    @Test
    void theSameRetainedMessageAnswersOneSubscribeOnce() {
        connect();
        subscribe("state/valve", 0, 1);
        core.brokerPublishesRetained("state/valve", "open", 0);
        sensor.expect(Publish.class);
        core.brokerPublishesRetained("state/valve", "open", 0); // another sensor subscribed
        sensor.expectNothing();
    }

    @Test
    void overlappingFiltersDeliverOnceAtTheHighestQos() {
        connect();
        int topicId = subscribe("plant/boiler", 1, 1);
        sensor.send(new Subscribe(false, 0, 2, new TopicRef.Name("plant/+")));
        sensor.expect(SubAck.class);
        core.brokerPublishes("plant/boiler", "hot", 2);
        Publish publish = sensor.expect(Publish.class);
        assertEquals(1, publish.qos());
        sensor.send(new PubAck(topicId, publish.msgId(), ReturnCode.ACCEPTED));
        sensor.expectNothing();
    }

    @Test
    void afterUnsubscribeNothingMoreArrives() {
        connect();
        subscribe("plant/boiler", 0, 1);
        sensor.send(new Unsubscribe(3, new TopicRef.Name("plant/boiler")));
        sensor.expect(new UnsubAck(3));
        core.brokerPublishes("plant/boiler", "hot", 0);
        sensor.expectNothing();
    }
}
