package io.sngw.it;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mosquitto is stopped under load and started again: sensors keep getting PUBACKs from the durable queue meanwhile,
 * and once the broker is back every acknowledged message arrives, in each sensor's order.
 */
class BrokerOutageTest {
    private static final int SENSORS = 10;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageArrivesInOrderAfterTheBrokerComesBack() throws Exception {
        // Mosquitto keeps the probe's persistent session across its own restart, so the probe misses nothing.
        try (MosquittoBroker broker = MosquittoBroker.start(List.of("persistence true",
                "persistence_location " + dir + "/", "autosave_interval 1"));
             BrokerProbe probe = BrokerProbe.persistent(broker.url(), "outage-probe");
             GatewayUnderTest gateway = GatewayUnderTest.startDurable(broker.url(), dir.resolve("store"))) {
            probe.subscribe("outage/#", 1);
            List<NumberedSensor> sensors = new ArrayList<>();
            for (int i = 0; i < SENSORS; i++) {
                sensors.add(NumberedSensor.connect(gateway.address(), "outage-" + i, "outage/" + i));
            }
            sensors.forEach(NumberedSensor::startSending);

            NumberedSensor.awaitAcknowledged(sensors, 50L * SENSORS);
            broker.stop();
            long ackedWhenStopped = NumberedSensor.totalAcknowledged(sensors);
            GatewayUnderTest.await("the gateway to notice the outage", () -> !gateway.brokerConnected());
            NumberedSensor.awaitAcknowledged(sensors, ackedWhenStopped + 50L * SENSORS); // acknowledged from the queue alone
            long queuedAtRestart = gateway.outbound().queued();
            broker.restart();
            NumberedSensor.awaitAcknowledged(sensors, NumberedSensor.totalAcknowledged(sensors) + 50L * SENSORS);
            sensors.forEach(NumberedSensor::stopSending);
            GatewayUnderTest.await("the queue to drain", () -> gateway.outbound().queued() == 0);

            Map<String, Set<Integer>> expected = new HashMap<>();
            for (NumberedSensor s : sensors) {
                expected.put(s.clientId, s.acknowledged());
            }
            long total = expected.values().stream().mapToLong(Set::size).sum();
            GatewayUnderTest.await("every acknowledged message at the broker", () -> missing(probe, expected).isEmpty());
            Map<String, List<Integer>> firstArrivals = firstArrivals(probe.messages());
            long duplicates = probe.messages().size() - firstArrivals.values().stream().mapToLong(List::size).sum();
            System.out.printf("outage test: %d sensors, %d acknowledged (%d while the broker was down), %d queued at "
                            + "the restart, %d delivered, %d duplicates%n", SENSORS, total,
                    total - ackedWhenStopped, queuedAtRestart, probe.messages().size() - duplicates, duplicates);

            assertTrue(queuedAtRestart > 0, "nothing was queued during the outage");
            firstArrivals.forEach((client, numbers) -> {
                List<Integer> sorted = new ArrayList<>(numbers);
                sorted.sort(null);
                assertEquals(sorted, numbers, client + "'s messages arrived out of order");
            });
        }
    }

    /** Per client, its message numbers in the order they first arrived (a resent duplicate does not count twice). */
    private static Map<String, List<Integer>> firstArrivals(List<ProbeMessage> messages) {
        Map<String, LinkedHashSet<Integer>> seen = new HashMap<>();
        for (ProbeMessage m : messages) {
            String[] parts = m.payloadString().split(":");
            seen.computeIfAbsent(parts[0], k -> new LinkedHashSet<>()).add(Integer.parseInt(parts[1]));
        }
        Map<String, List<Integer>> out = new HashMap<>();
        seen.forEach((client, numbers) -> out.put(client, new ArrayList<>(numbers)));
        return out;
    }

    private static Set<String> missing(BrokerProbe probe, Map<String, Set<Integer>> expected) {
        Map<String, List<Integer>> arrived = firstArrivals(probe.messages());
        Set<String> missing = new HashSet<>();
        expected.forEach((client, numbers) -> {
            Set<Integer> got = new HashSet<>(arrived.getOrDefault(client, List.of()));
            numbers.stream().filter(n -> !got.contains(n)).forEach(n -> missing.add(client + ":" + n));
        });
        return missing;
    }
}
