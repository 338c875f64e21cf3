package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.store.OutboundOptions;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The store-and-forward queue's bounds while the broker is away: count, age, and QoS 0 kept in memory. */
class OutboundQueueBoundsTest {
    /** Every message goes to the short topic name "bo"; PUBACK echoes it as the TopicId field. */
    private static final int BO = new TopicRef.Short("bo").asId();
    @TempDir
    Path dir;

    private MosquittoBroker broker;
    private BrokerProbe probe;

    @BeforeEach
    void startBroker() {
        // The probe's session and its QoS 0 messages outlive the broker's restart, so the probe misses nothing.
        broker = MosquittoBroker.start(List.of("persistence true", "persistence_location " + dir + "/",
                "queue_qos0_messages true"));
        probe = BrokerProbe.persistent(broker.url(), "bounds-probe");
        probe.subscribe("bo", 1);
    }

    @AfterEach
    void stopBroker() {
        probe.close();
        broker.close();
    }

    private static Publish publish(int qos, int msgId, String payload) {
        return new Publish(false, qos, false, new TopicRef.Short("bo"), msgId, payload.getBytes(StandardCharsets.UTF_8));
    }

    private GatewayUnderTest gatewayWithBrokerAway(OutboundOptions outbound) {
        GatewayUnderTest gateway = GatewayUnderTest.startDurable(broker.url(), dir.resolve("store"), outbound);
        broker.stop();
        GatewayUnderTest.await("the gateway to notice the outage", () -> !gateway.brokerConnected());
        return gateway;
    }

    @Test
    void fullQueueRefusesFurtherQos1WithCongestionAndCountsIt() {
        try (GatewayUnderTest gateway = gatewayWithBrokerAway(new OutboundOptions(10, 3, 1 << 20, Duration.ZERO, 100));
             Sensor sensor = gateway.sensor()) {
            sensor.connect("bounds-full");
            for (int i = 1; i <= 5; i++) {
                sensor.send(publish(1, i, "m" + i));
                sensor.expect(new PubAck(BO, i,
                        i <= 3 ? ReturnCode.ACCEPTED : ReturnCode.CONGESTION));
            }
            assertEquals(2, gateway.outbound().refusedFull());

            broker.restart();
            List<ProbeMessage> got = probe.awaitMessages(3, Duration.ofSeconds(15));
            assertEquals(List.of("m1", "m2", "m3"), got.stream().map(ProbeMessage::payloadString).toList());
        }
    }

    @Test
    void messagesOlderThanTheMaximumAgeAreDroppedWhenTheirTurnComesAndCounted() throws InterruptedException {
        try (GatewayUnderTest gateway = gatewayWithBrokerAway(new OutboundOptions(10, 100, 1 << 20, Duration.ofSeconds(1), 100));
             Sensor sensor = gateway.sensor()) {
            sensor.connect("bounds-age");
            sensor.send(publish(1, 1, "stale"));
            sensor.expect(new PubAck(BO, 1, ReturnCode.ACCEPTED));
            Thread.sleep(1500);

            broker.restart();
            GatewayUnderTest.await("the stale message to expire", () -> gateway.outbound().expired() == 1);
            sensor.send(publish(1, 2, "fresh"));
            sensor.expect(new PubAck(BO, 2, ReturnCode.ACCEPTED));
            List<ProbeMessage> got = probe.awaitMessages(1, Duration.ofSeconds(15));
            assertEquals("fresh", got.get(0).payloadString());
            // The broker's PUBACK for it reaches the gateway about when the probe gets the message.
            GatewayUnderTest.await("the queue to empty", () -> gateway.outbound().queued() == 0);
        }
    }

    @Test
    void qos0IsKeptInMemoryUpToItsBoundWhileTheBrokerIsAwayThenDroppedAndCounted() {
        try (GatewayUnderTest gateway = gatewayWithBrokerAway(new OutboundOptions(10, 100, 1 << 20, Duration.ZERO, 2));
             Sensor sensor = gateway.sensor()) {
            sensor.connect("bounds-qos0");
            for (int i = 1; i <= 3; i++) {
                sensor.send(publish(0, 0, "q" + i));
            }
            GatewayUnderTest.await("the third QoS 0 message to be dropped", () -> gateway.outbound().qos0Dropped() == 1);

            broker.restart();
            List<ProbeMessage> got = probe.awaitMessages(2, Duration.ofSeconds(15));
            assertEquals(List.of("q1", "q2"), got.stream().map(ProbeMessage::payloadString).toList());
        }
    }
}
