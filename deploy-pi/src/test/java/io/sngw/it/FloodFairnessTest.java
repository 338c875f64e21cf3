package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.RetryPolicy;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One address flooding valid QoS 0 PUBLISHes cannot starve the others (issue 14): its excess over a fair share is shed
 * and counted before it reaches the session loops, and legitimate sensors' QoS 1 messages all reach the broker. The
 * flood is bounded and stops by itself; latency under it is a benchmark figure (see the README), not asserted here.
 */
class FloodFairnessTest extends EndToEndTest {
    private static final int SENSORS = 3;
    private static final int MESSAGES_EACH = 20;
    private static final int FLOOD_DATAGRAMS = 100_000;

    @BeforeEach
    void subscribeProbe() {
        probe.subscribe("fair/#", 1);
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aOneAddressQos0FloodIsShedAndLegitimateSensorsLoseNothing() throws Exception {
        try (Sensor flooder = gateway.sensor()) {
            flooder.connect("flooder");
            int topicId = flooder.register("flood/x", 1);
            byte[] publish = MqttSnCodec.encode(new Publish(false, 0, false, new TopicRef.Registered(topicId), 0,
                    "flood".getBytes(StandardCharsets.UTF_8)));
            Thread flood = new Thread(() -> {
                for (int i = 0; i < FLOOD_DATAGRAMS; i++) {
                    flooder.sendBytes(publish);
                    if (i % 30 == 0) {
                        pause(); // about 30,000 a second: the issue's paced flood was 60,000 on a bigger machine
                    }
                }
            }, "qos0-flood");

            List<MqttSnClient> sensors = new ArrayList<>();
            try {
                for (int s = 0; s < SENSORS; s++) {
                    // Real sensors resend what is not acknowledged (T_retry): the kernel may still drop a datagram
                    // while the flooder's socket thread reads flat out.
                    MqttSnClient sensor = new MqttSnClient(gateway.address(), ClientOptions.defaults()
                            .withTimeout(Duration.ofSeconds(10)).withRetry(new RetryPolicy(Duration.ofMillis(500), 10)));
                    sensors.add(sensor);
                    sensor.connect("legit-" + s, 60, true);
                }
                flood.start();
                for (int m = 0; m < MESSAGES_EACH; m++) {
                    for (int s = 0; s < SENSORS; s++) {
                        String text = "legit-" + s + "-" + m;
                        assertEquals(ReturnCode.ACCEPTED, sensors.get(s).publish("fair/" + s, 1, false,
                                text.getBytes(StandardCharsets.UTF_8)).returnCode(), text);
                    }
                }
            } finally {
                flood.join();
                sensors.forEach(MqttSnClient::close);
            }

            List<ProbeMessage> arrived = probe.awaitMessages(SENSORS * MESSAGES_EACH, Duration.ofSeconds(15));
            Set<String> distinct = arrived.stream().map(ProbeMessage::payloadString)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(SENSORS * MESSAGES_EACH, distinct.size(), "every legitimate message reached the broker");
            assertTrue(gateway.metrics().get(Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE) > 0);
        }
    }
}
