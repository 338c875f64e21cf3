package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.store.OutboundOptions;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sensor's QoS 1 PUBLISH is acknowledged at its first durable witness: the broker's PUBACK or the commit to the
 * outbound queue, whichever comes first. What the disk is spared (or not) is counted by the store.
 */
class FirstWitnessTest {
    private static final int FW = new TopicRef.Short("fw").asId();
    private static final int MESSAGES = 20;

    @TempDir
    Path dir;

    private MosquittoBroker broker;
    private BrokerProbe probe;

    @BeforeEach
    void startBroker() {
        broker = MosquittoBroker.start();
        probe = new BrokerProbe(broker.url());
        probe.subscribe("fw", 1);
    }

    @AfterEach
    void stopBroker() {
        probe.close();
        broker.close();
    }

    private static Publish publish(int msgId) {
        return new Publish(false, 1, false, new TopicRef.Short("fw"), msgId, ("m" + msgId).getBytes(StandardCharsets.UTF_8));
    }

    private static long outboundRows(GatewayUnderTest gateway) {
        return ((SqliteStore) gateway.store()).outboundRowsWritten();
    }

    private List<String> awaitAtBroker(int n) {
        return probe.awaitMessages(n, Duration.ofSeconds(15)).stream().map(ProbeMessage::payloadString).toList();
    }

    private static void awaitCounter(GatewayUnderTest gateway, String name, long value) {
        GatewayUnderTest.await(name + " = " + value, () -> gateway.outbound().counters().get(name) == value);
    }

    @Test
    void aBrokerThatAcknowledgesFirstSparesTheDiskEveryWrite() {
        // A write delay far longer than the broker needs: the broker is always the first witness here.
        OutboundOptions options = OutboundOptions.defaults().withWriteDelay(Duration.ofSeconds(5));
        try (GatewayUnderTest gateway = GatewayUnderTest.startDurable(broker.url(), dir.resolve("store"), options);
             Sensor sensor = gateway.sensor()) {
            sensor.connect("fw-healthy");
            for (int i = 1; i <= MESSAGES; i++) {
                sensor.send(publish(i));
                sensor.expect(new PubAck(FW, i, ReturnCode.ACCEPTED));
            }

            assertEquals(IntStream.rangeClosed(1, MESSAGES).mapToObj(i -> "m" + i).toList(), awaitAtBroker(MESSAGES));
            awaitCounter(gateway, "outbound.acknowledged.by.broker", MESSAGES);
            assertEquals(0, gateway.outbound().counters().get("outbound.writes.requested"));
            assertEquals(0, outboundRows(gateway));
        }
    }

    @Test
    void aSlowBrokerLeavesTheWitnessToTheDiskAndTheRowsAreDeletedOnceItAcknowledges() throws Exception {
        try (DelayingProxy slow = new DelayingProxy(broker.url(), Duration.ofSeconds(2));
             GatewayUnderTest gateway = GatewayUnderTest.startDurable(slow.url(), dir.resolve("store"),
                     OutboundOptions.defaults().withWriteDelay(Duration.ofMillis(20)));
             Sensor sensor = gateway.sensor()) {
            sensor.connect("fw-slow");
            for (int i = 1; i <= 3; i++) {
                sensor.send(publish(i));
                sensor.expect(new PubAck(FW, i, ReturnCode.ACCEPTED)); // long before the broker's PUBACK is back
            }
            awaitCounter(gateway, "outbound.acknowledged.by.store", 3);

            assertEquals(List.of("m1", "m2", "m3"), awaitAtBroker(3));
            GatewayUnderTest.await("the broker's acknowledgements", () -> gateway.outbound().queued() == 0);
            gateway.outbound().sync().join();
            assertEquals(6, outboundRows(gateway), "3 appends and 3 deletions");
        }
    }

    @Test
    void duringAnOutageEveryMessageIsWrittenAtOnceAndAcknowledgedByTheCommit() {
        OutboundOptions options = OutboundOptions.defaults().withWriteDelay(Duration.ofSeconds(5));
        try (GatewayUnderTest gateway = GatewayUnderTest.startDurable(broker.url(), dir.resolve("store"), options);
             Sensor sensor = gateway.sensor()) {
            sensor.connect("fw-outage");
            broker.stop();
            GatewayUnderTest.await("the gateway to notice the outage", () -> !gateway.brokerConnected());
            for (int i = 1; i <= 3; i++) {
                sensor.send(publish(i));
                sensor.expect(new PubAck(FW, i, ReturnCode.ACCEPTED)); // well within the 5 s write delay
            }
            awaitCounter(gateway, "outbound.acknowledged.by.store", 3); // counted just after the PUBACK went
            assertEquals(3, outboundRows(gateway));
        }
    }

    @Test
    void aMessageWaitingForAPlaceInTheBrokersWindowIsNotWrittenItsWriteDelayStartsWhenItIsSent() throws Exception {
        // One in flight at a time, acks 500 ms late: the 8th message waits 3.5 s to be sent, longer than the 2 s write
        // delay, yet each is acknowledged by the broker within 500 ms of its sending. The broker is the bottleneck, so
        // the sensor is paced by it; the disk would only have let the queue grow.
        OutboundOptions options = new OutboundOptions(1, 1000, 1 << 20, Duration.ZERO, 100,
                Duration.ofSeconds(2), Duration.ofHours(1));
        int messages = 8;
        try (DelayingProxy slow = new DelayingProxy(broker.url(), Duration.ofMillis(500));
             GatewayUnderTest gateway = GatewayUnderTest.startDurable(slow.url(), dir.resolve("store"), options);
             Sensor sensor = gateway.sensor()) {
            sensor.connect("fw-window");
            for (int i = 1; i <= messages; i++) {
                sensor.send(publish(i));
            }
            for (int i = 1; i <= messages; i++) {
                sensor.expect(new PubAck(FW, i, ReturnCode.ACCEPTED));
            }

            awaitCounter(gateway, "outbound.acknowledged.by.broker", messages);
            assertEquals(IntStream.rangeClosed(1, messages).mapToObj(i -> "m" + i).toList(), awaitAtBroker(messages));
            assertTrue(gateway.outbound().counters().get("outbound.writes.deferred") > 0, "some waited past the delay");
            assertEquals(0, gateway.outbound().counters().get("outbound.writes.requested"));
            assertEquals(0, outboundRows(gateway));
        }
    }

    @Test
    void aQueueThatLagsBehindAConnectedBrokerRefusesNewMessagesWithCongestion() throws Exception {
        // One message in flight at a time to a broker whose acks take 2 s: the second waits unsent; once it has
        // waited 4 x max-lag, a third is refused instead of queued behind it.
        OutboundOptions options = new OutboundOptions(1, 1000, 1 << 20, Duration.ZERO, 100,
                Duration.ofMillis(20), Duration.ofMillis(1));
        try (DelayingProxy slow = new DelayingProxy(broker.url(), Duration.ofSeconds(2));
             GatewayUnderTest gateway = GatewayUnderTest.startDurable(slow.url(), dir.resolve("store"), options);
             Sensor sensor = gateway.sensor()) {
            sensor.connect("fw-lag");
            sensor.send(publish(1));
            sensor.expect(new PubAck(FW, 1, ReturnCode.ACCEPTED)); // from the disk, 20 ms after it was sent
            sensor.send(publish(2));
            // It waits for the window: not written, so no PUBACK until it is sent (and witnessed).
            sensor.expectNothing(Duration.ofMillis(100));

            sensor.send(publish(3));
            sensor.expect(new PubAck(FW, 3, ReturnCode.CONGESTION));
            sensor.expect(new PubAck(FW, 2, ReturnCode.ACCEPTED)); // sent once 1 was acknowledged, then witnessed
            assertEquals(1, gateway.outbound().refusedCongested());
            assertEquals(List.of("m1", "m2"), awaitAtBroker(2));
        }
    }
}
