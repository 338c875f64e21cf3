package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.UpstreamUnavailableException;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/** What a platform cannot take is adapted and counted before it reaches the broker (a real Mosquitto here). */
class MqttBridgePlatformLimitsTest {

    private MosquittoBroker broker;
    private BrokerProbe probe;
    private MqttBridge bridge;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
        probe.subscribe("#", 2);
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        probe.close();
        broker.close();
    }

    private void connect(PlatformLimits limits) {
        bridge = new MqttBridge(TestBridges.options(broker.port()).withLimits(limits));
        RecordingListener listener = new RecordingListener();
        bridge.start(listener);
        listener.awaitEvent(true);
    }

    @Test
    void qos2ToAwsGoesUpAsQos1AndIsCounted() {
        connect(CloudPreset.AWS_IOT_CORE.limits("gw"));
        await(bridge.publish(message("plant/valve", "open", 2, false)));
        ProbeMessage m = probe.awaitMessages(1, RecordingListener.WAIT).get(0);
        assertEquals(1, m.qos());
        assertEquals(1L, bridge.stats().get("upstream.platform.qos-downgraded"));
    }

    @Test
    void retainToAzureIsClearedAndCounted() {
        connect(CloudPreset.AZURE_IOT_HUB.limits("dev-1"));
        await(bridge.publish(message("devices/dev-1/messages/events/", "21.5", 1, true)));
        assertFalse(probe.awaitMessages(1, RecordingListener.WAIT).get(0).retained());
        assertEquals(1L, bridge.stats().get("upstream.platform.retain-cleared"));
    }

    @Test
    void aStaleQos0PublishWhoseRetainIsClearedIsStillDroppedAsStale() {
        connect(CloudPreset.AZURE_IOT_HUB.limits("dev-1"));
        String topic = "devices/dev-1/messages/events/";
        CompletableFuture<Void> stale = bridge.publish(message(topic, "stale", 0, true).staleAt(System.nanoTime() - 1));
        await(bridge.publish(message(topic, "end", 1, false)));

        assertInstanceOf(UpstreamUnavailableException.class, TestBridges.failure(stale));
        assertEquals(1, bridge.qos0DroppedStale());
        assertEquals(List.of("end"), probe.awaitMessages(1, RecordingListener.WAIT).stream()
                .map(ProbeMessage::payloadString).toList());
    }

    @Test
    void aPublishToATopicThePlatformRefusesIsDroppedAndCounted() {
        connect(CloudPreset.AZURE_IOT_HUB.limits("dev-1"));
        await(bridge.publish(message("sensors/temp", "dropped", 1, false)));
        assertEquals(1L, bridge.stats().get("upstream.platform.topic-refused"));
        connectAgainWithAws();
        await(bridge.publish(message("a/b/c/d/e/f/g/h/i", "dropped too", 1, false)));
        await(bridge.publish(message("a/b/c/d/e/f/g/h", "taken", 1, false)));
        assertEquals(List.of("taken"), probe.awaitMessages(1, RecordingListener.WAIT).stream()
                .map(ProbeMessage::payloadString).toList());
        assertEquals(1L, bridge.stats().get("upstream.platform.topic-refused"));
    }

    private void connectAgainWithAws() {
        bridge.close();
        connect(CloudPreset.AWS_IOT_CORE.limits("gw"));
    }

    @Test
    void aFullBrokerAdaptsNothing() {
        connect(PlatformLimits.NONE);
        await(bridge.publish(message("x/y", "q2", 2, true)));
        ProbeMessage m = probe.awaitMessages(1, RecordingListener.WAIT).get(0);
        assertEquals(2, m.qos());
        assertEquals(Map.of("upstream.platform.qos-downgraded", 0L, "upstream.platform.retain-cleared", 0L,
                "upstream.platform.topic-refused", 0L), bridge.stats());
    }
}
