package io.sngw.it;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.FreePorts;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway is killed with SIGKILL in the middle of a stream of numbered QoS 1 messages from 100 sensors and
 * started again: every message a sensor got a PUBACK for reaches the broker, and no sensor has to reconnect.
 */
class CrashRecoveryTest {
    private static final int SENSORS = 100;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageSurvivesAKillAndSensorsCarryOnWithoutReconnecting() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe("crash/#", 1);
            InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
            String yaml = GatewayProcess.config(udp, broker.url(), "sngw-crash", dir);
            try (GatewayProcess gateway = GatewayProcess.start(dir, yaml, udp)) {
                List<NumberedSensor> sensors = new ArrayList<>();
                for (int i = 0; i < SENSORS; i++) {
                    sensors.add(NumberedSensor.connect(udp, "crash-" + i, "crash/crash-" + i));
                }
                sensors.forEach(NumberedSensor::startSending);

                NumberedSensor.awaitAcknowledged(sensors, 20 * SENSORS);
                gateway.kill();
                long ackedAtKill = NumberedSensor.totalAcknowledged(sensors);
                Thread.sleep(500);
                gateway.restart();
                NumberedSensor.awaitAcknowledged(sensors, ackedAtKill + 20L * SENSORS);
                sensors.forEach(NumberedSensor::stopSending);

                Map<String, Set<Integer>> acknowledged = new HashMap<>();
                for (NumberedSensor s : sensors) {
                    acknowledged.put(s.clientId, s.acknowledged());
                }
                long total = acknowledged.values().stream().mapToLong(Set::size).sum();
                Delivered delivered = awaitDelivered(probe, acknowledged, Duration.ofSeconds(30));
                long sent = sensors.stream().mapToLong(s -> s.sent).sum();
                long reconnectOrders = sensors.stream().mapToLong(s -> s.disconnectsReceived).sum();
                System.out.printf("crash test: %d sensors, %d PUBLISH datagrams sent (with retries), %d acknowledged "
                                + "(%d before the kill), %d delivered, %d duplicates at the broker, %d missing, "
                                + "%d DISCONNECTs to sensors%n", SENSORS, sent, total, ackedAtKill, delivered.distinct,
                        delivered.duplicates, delivered.missing.size(), reconnectOrders);

                assertTrue(delivered.missing.isEmpty(), "acknowledged but never delivered: " + delivered.missing
                        + "\n" + gateway.logTail());
                assertEquals(0, reconnectOrders, "sensors were told to reconnect after the restart");
            }
        }
    }

    private record Delivered(long distinct, long duplicates, List<String> missing) {
    }

    private static Delivered awaitDelivered(BrokerProbe probe, Map<String, Set<Integer>> acknowledged, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Set<Integer>> seen = new HashMap<>();
            long messages = 0;
            for (ProbeMessage m : probe.messages()) {
                String[] parts = m.payloadString().split(":");
                seen.computeIfAbsent(parts[0], k -> new HashSet<>()).add(Integer.parseInt(parts[1]));
                messages++;
            }
            List<String> missing = new ArrayList<>();
            acknowledged.forEach((client, numbers) -> numbers.stream()
                    .filter(n -> !seen.getOrDefault(client, Set.of()).contains(n))
                    .forEach(n -> missing.add(client + ":" + n)));
            long distinct = seen.values().stream().mapToLong(Set::size).sum();
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                return new Delivered(distinct, messages - distinct, missing.subList(0, Math.min(20, missing.size())));
            }
            Thread.sleep(200);
        }
    }
}
