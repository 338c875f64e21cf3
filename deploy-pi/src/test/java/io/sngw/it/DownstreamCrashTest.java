package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.FreePorts;
import io.sngw.testing.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Broker → sensor across a kill: the cloud publishes numbered QoS 1 messages for a sleeping persistent sensor while
 * the gateway (durable store, so a persistent bridge session) is killed with SIGKILL mid-stream, stays down for more
 * of them, and is started again. Waking, the sensor gets every one: none the broker counted as delivered is lost.
 */
class DownstreamCrashTest {
    private static final String TOPIC = "down/crash";
    private static final int BEFORE_KILL = 100;
    private static final int STREAMED = 300;
    private static final int WHILE_DOWN = 50;
    private static final long WAKE_UP_LIMIT_NANOS = 60_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void sleepingPersistentSensorGetsEveryMessagePublishedBeforeDuringAndAfterAGatewayKill() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
            // T_retry under the sensor's 5 s wait: on a loaded machine a datagram of the 350 can be lost, and its resend
            // must come while the sensor still listens (a loss is then a duplicate, which the test allows).
            String yaml = GatewayProcess.config(udp, broker.url(), "sngw-downstream-crash", dir)
                    + "retry: { interval: 1s, max: 10 }\n";
            try (GatewayProcess gateway = GatewayProcess.start(dir, yaml, udp);
                 Sensor sensor = new Sensor(udp)) {
                sensor.connect("down-sleeper", 60, false);
                int topicId = sensor.subscribe(TOPIC, 1, 1).topicId();
                sensor.send(new Disconnect(600));
                sensor.expect(new Disconnect());

                AtomicInteger published = new AtomicInteger();
                Thread stream = new Thread(() -> publishNumbered(probe, 1, STREAMED, published), "cloud-publisher");
                stream.start();
                GatewayUnderTest.await(BEFORE_KILL + " messages published", () -> published.get() >= BEFORE_KILL);
                gateway.kill();
                stream.join();
                publishNumbered(probe, STREAMED + 1, STREAMED + WHILE_DOWN, published);
                gateway.restart();

                int total = STREAMED + WHILE_DOWN;
                Set<Integer> received = new TreeSet<>();
                int publishes = 0;
                long deadline = System.nanoTime() + WAKE_UP_LIMIT_NANOS;
                // The restarted bridge takes its backlog from the broker while the sensor wakes: wake until all is in.
                while (received.size() < total && System.nanoTime() < deadline) {
                    for (Publish p : sensor.wakeAndAcknowledge("down-sleeper", topicId)) {
                        received.add(Integer.parseInt(new String(p.data(), StandardCharsets.UTF_8)));
                        publishes++;
                    }
                    Thread.sleep(200);
                }
                Set<Integer> missing = IntStream.rangeClosed(1, total).boxed()
                        .filter(n -> !received.contains(n)).collect(Collectors.toCollection(TreeSet::new));
                System.out.printf("downstream crash test: %d published (%d before the kill), %d PUBLISHes to the "
                                + "sensor, %d distinct, %d duplicates, %d missing%n", total, BEFORE_KILL, publishes,
                        received.size(), publishes - received.size(), missing.size());
                assertEquals(Set.of(), missing, "published at QoS 1, never reached the sensor\n" + gateway.logTail());
            }
        }
    }

    /** Publishes "from".."to" at QoS 1, a little apart so that the kill falls in the middle of the stream. */
    private static void publishNumbered(BrokerProbe probe, int from, int to, AtomicInteger published) {
        for (int n = from; n <= to; n++) {
            probe.publish(TOPIC, Integer.toString(n), 1, false);
            published.incrementAndGet();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
