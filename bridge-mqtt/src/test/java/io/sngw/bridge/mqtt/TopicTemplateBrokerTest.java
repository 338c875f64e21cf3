package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.SensorConnection;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/** Topic templates both ways, at a real Mosquitto: publishes, subscriptions and wills under the same prefix. */
class TopicTemplateBrokerTest {

    private static final Duration WAIT = RecordingListener.WAIT;
    private static final ClientRef S1 = new ClientRef("s1", "udp");
    private static final ProtocolOptions TEMPLATED = ProtocolOptions.MQTT_3_1_1
            .withTopicTemplate(TopicTemplate.parse("gw/{gateway-id}/{client-id}/{topic}"), "7");

    private MosquittoBroker broker;
    private BrokerProbe probe;
    private RecordingListener listener;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
        probe.subscribe("gw/#", 1);
        listener = new RecordingListener();
    }

    @AfterEach
    void stop() {
        probe.close();
        broker.close();
    }

    private static UpstreamMessage text(String topic, String payload, ClientRef client) {
        return new UpstreamMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, client);
    }

    @Test
    void aggregatingBridgePublishesUnderTheTemplateAndTakesBrokerMessagesBackForTheirSensor() {
        MqttBridge bridge = new MqttBridge(TestBridges.options(broker.port()), TEMPLATED);
        try {
            bridge.start(listener);
            listener.awaitEvent(true);
            await(bridge.publish(text("sensors/temp", "21.5", S1)));
            assertEquals("gw/7/s1/sensors/temp", probe.awaitMessages(1, WAIT).get(0).topic());

            await(bridge.subscribe(S1, "cmd/#", 1));
            probe.publish("gw/7/s1/cmd/led", "on", 1, false);
            List<UpstreamMessage> got = listener.awaitPayload("on");
            assertEquals("cmd/led", got.get(0).topic());
            assertEquals("s1", got.get(0).client().clientId());
        } finally {
            bridge.close();
        }
    }

    @Test
    void transparentSensorsWillGoesUnderTheTemplateToo() {
        TransparentBridge bridge = new TransparentBridge(TestBridges.options(broker.port()), TEMPLATED,
                "{client-id}", 10);
        try {
            bridge.start(listener);
            listener.awaitEvent(true);
            bridge.sensorConnected(new SensorConnection(S1, true, 60, text("status", "gone", S1)));
            await(bridge.publish(text("status", "here", S1)));
            bridge.sensorDisconnected(S1, true);
            List<ProbeMessage> seen = probe.awaitMessages(2, WAIT);
            assertEquals("gw/7/s1/status", seen.get(0).topic());
            assertEquals("here", seen.get(0).payloadString());
            assertEquals("gw/7/s1/status", seen.get(1).topic());
            assertEquals("gone", seen.get(1).payloadString());
        } finally {
            bridge.close();
        }
    }
}
