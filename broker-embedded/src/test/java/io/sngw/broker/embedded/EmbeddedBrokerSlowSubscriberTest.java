package io.sngw.broker.embedded;

import io.sngw.testing.BrokerProbe;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A subscriber slower than its publishers gets its in-flight window and at most 1,000 queued QoS 1 messages (as
 * Mosquitto's max_queued_messages): the newer ones are dropped instead of filling the gateway's heap until the JVM
 * ends. See {@code io.moquette.broker.Session} in this module.
 */
class EmbeddedBrokerSlowSubscriberTest {

    private static final int IN_FLIGHT_WINDOW = 10;
    private static final int MAX_QUEUED = 1000;

    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws IOException {
        broker = new EmbeddedBroker("127.0.0.1", 0);
        broker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aSubscriberThatDoesNotAcknowledgeGetsItsWindowAndTheFirstThousandQueuedMessages() throws Exception {
        BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
        MqttClient sub = new MqttClient(broker.url(), "slow-sub", new MemoryPersistence());
        sub.setManualAcks(true);
        sub.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived.add(new Delivery(new String(message.getPayload(), StandardCharsets.UTF_8), message.getId(),
                        message.getQos()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        sub.connect(options);
        try {
            sub.subscribe("slow/#", 1);
            int published = MAX_QUEUED + IN_FLIGHT_WINDOW + 500;
            try (BrokerProbe pub = new BrokerProbe(broker.url())) {
                // each publish returns once the broker acknowledged it, so all are routed before the first PUBACK
                for (int i = 0; i < published; i++) {
                    pub.publish("slow/t", Integer.toString(i), 1, false);
                }
                List<String> payloads = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT_WINDOW + MAX_QUEUED; i++) {
                    payloads.add(acknowledgeNext(sub, arrived));
                }
                pub.publish("slow/t", "after", 1, false);
                payloads.add(acknowledgeNext(sub, arrived));
                List<String> expected = IntStream.range(0, IN_FLIGHT_WINDOW + MAX_QUEUED)
                        .mapToObj(Integer::toString).collect(Collectors.toCollection(ArrayList::new));
                expected.add("after");
                assertEquals(expected, payloads,
                        "the window and the first queued messages, in order, then the next one after it caught up");
            }
        } finally {
            sub.disconnect();
            sub.close();
        }
    }

    private static String acknowledgeNext(MqttClient sub, BlockingQueue<Delivery> arrived)
            throws InterruptedException, MqttException {
        Delivery d = arrived.poll(15, TimeUnit.SECONDS);
        assertNotNull(d, "no further PUBLISH within 15 s");
        sub.messageArrivedComplete(d.id(), d.qos());
        return d.payload();
    }

    private record Delivery(String payload, int id, int qos) {
    }
}
