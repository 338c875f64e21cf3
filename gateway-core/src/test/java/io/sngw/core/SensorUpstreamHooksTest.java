package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.GatewayMetrics.Counter;
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
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.UpstreamMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the session tells an upstream that keeps a connection per sensor (transparent mode) and names the sensor
 * (MQTT 5 user properties, topic templates), in virtual time: these hooks live in Session and its collaborators since
 * the split, and these tests pin them there.
 */
class SensorUpstreamHooksTest {
    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults().withRetry(Duration.ofSeconds(10), 3));

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void aConnectTheUpstreamHasNoConnectionForGetsCongestionAndIsCounted() {
        core.broker.refuseSensors = true;
        SensorEnd sensor = core.sensor("late");
        sensor.send(new Connect(false, true, 60, "late"));
        sensor.expect(new ConnAck(ReturnCode.CONGESTION));
        assertEquals(1, core.gateway.metrics().get(Counter.CONNECTS_REFUSED_UPSTREAM));
        assertEquals(List.of("connected late", "disconnected late lost=false"), core.broker.lifecycle);
    }

    @Test
    void aPublishAndASubscriptionNameTheSensorAndItsLink() {
        SensorEnd sensor = connect("namer", 60);
        subscribe(sensor, "cmd/namer", 1);
        sensor.send(new Publish(false, 0, false, new TopicRef.Short("ab"), 0, "x".getBytes()));
        UpstreamMessage published = core.broker.published.get(0);
        assertEquals(new ClientRef("namer", "fake"), published.client());
    }

    @Test
    void aLostSensorsWillPublishedByTheBrokerIsCountedAndNotSentAgain() {
        core.broker.willsAtBroker = true;
        connectWithWill("lost", 60);
        core.advance(Duration.ofSeconds(91));
        assertEquals(List.of(), core.broker.payloadsOn("will/lost"));
        assertEquals(1, core.gateway.metrics().get(Counter.WILLS_PUBLISHED));
        assertEquals("disconnected lost lost=true", core.broker.lifecycle.get(core.broker.lifecycle.size() - 1));
    }

    @Test
    void aLostSensorsWillTheBrokerDoesNotHoldIsPublishedNamingTheSensor() {
        connectWithWill("gone", 60);
        core.advance(Duration.ofSeconds(91));
        assertEquals(List.of("bye"), core.broker.payloadsOn("will/gone"));
        assertEquals(new ClientRef("gone", "fake"), core.broker.published.get(0).client());
    }

    @Test
    void aWokenSensorsPingRespWaitsUntilTheUpstreamFetchedWhatItsBrokerKept() {
        SensorEnd sensor = connect("sleeper", 60);
        int topicId = subscribe(sensor, "cmd/sleeper", 1);
        sensor.send(new Disconnect(3600));
        sensor.expect(new Disconnect());
        core.broker.wake = new CompletableFuture<>();

        sensor.send(new PingReq("sleeper"));
        sensor.expectNothing();
        core.brokerPublishes("cmd/sleeper", "kept at the broker", 1);
        Publish kept = sensor.expect(Publish.class);
        sensor.send(new PubAck(topicId, kept.msgId(), ReturnCode.ACCEPTED));
        sensor.expectNothing();

        core.broker.wake.complete(null);
        core.time.settle();
        sensor.expect(new PingResp());
        assertEquals(List.of("connected sleeper", "asleep sleeper", "awake sleeper", "asleep sleeper"),
                core.broker.lifecycle);
    }

    private SensorEnd connect(String clientId, int keepAlive) {
        SensorEnd sensor = core.sensor(clientId);
        sensor.send(new Connect(false, false, keepAlive, clientId));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        return sensor;
    }

    private void connectWithWill(String clientId, int keepAlive) {
        SensorEnd sensor = core.sensor(clientId);
        sensor.send(new Connect(true, false, keepAlive, clientId));
        sensor.expect(new WillTopicReq());
        sensor.send(new WillTopic(1, false, "will/" + clientId));
        sensor.expect(new WillMsgReq());
        sensor.send(new WillMsg("bye".getBytes()));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
    }

    private static int subscribe(SensorEnd sensor, String topic, int qos) {
        sensor.send(new Subscribe(false, qos, 1, new TopicRef.Name(topic)));
        SubAck ack = sensor.expect(SubAck.class);
        assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
        return ack.topicId();
    }
}
