package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;

/**
 * Mosquitto announces {@code max_inflight_messages} as its Receive Maximum and refuses the QoS 2 publishes an MQTT 5
 * client sends beyond it (PUBREC 0x97, quota exceeded; seen when the bridge ignores the Receive Maximum): a burst
 * through the bridge gets there whole, on one connection.
 */
class Mqtt5ReceiveMaximumTest {

    @Test
    void aBurstOfQos2PublishesStaysWithinMosquittosReceiveMaximum() {
        try (MosquittoBroker broker = MosquittoBroker.start(List.of("max_inflight_messages 2"));
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe("burst/#", 2);
            MqttBridge bridge = new MqttBridge(TestBridges.options(broker.port()), ProtocolOptions.mqtt5());
            RecordingListener listener = new RecordingListener();
            try {
                bridge.start(listener);
                listener.awaitEvent(true);
                List<CompletableFuture<Void>> published = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    published.add(bridge.publish(new UpstreamMessage("burst/" + i,
                            ("m" + i).getBytes(StandardCharsets.UTF_8), 2, false)));
                }
                published.forEach(TestBridges::await);
                assertEquals(100, probe.awaitMessages(100, RecordingListener.WAIT).size());
                assertTrue(listener.pendingEvents().isEmpty(), "the connection never dropped: "
                        + listener.pendingEvents() + ", counters " + bridge.counters().snapshot());
            } finally {
                bridge.close();
            }
        }
    }
}
