package io.sngw.sim.load;

import io.sngw.core.config.GatewayOptions;
import io.sngw.it.GatewayUnderTest;
import io.sngw.sim.client.RetryPolicy;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator in a tiny mode against the real gateway (assembled by GatewayApp in this JVM, as deployed) and a
 * private Mosquitto. Only correctness is asserted: counts, loss, duplicates. Never timing.
 */
class LoadGeneratorTest {
    private static MosquittoBroker broker;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void startGateway() {
        broker = MosquittoBroker.start();
        gateway = GatewayUnderTest.start(broker.url(), GatewayOptions.defaults().withSessionLoops(2));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static LoadOptions tiny() {
        return LoadOptions.defaults()
                .withGateway(gateway.address())
                .withBrokerUrl(broker.url())
                .withSensors(3)
                .withMessagesPerSensor(50)
                .withDuration(Duration.ofSeconds(60)) // a cap only: the run ends when the 150 messages are done
                .withWarmup(Duration.ZERO)
                .withAckTimeout(Duration.ofSeconds(10))
                .withTopicPrefix(LoadOptions.randomPrefix());
    }

    @Test
    void qos1ThreeSensorsFiftyMessagesArriveOnceEach() throws Exception {
        LoadResult r = new LoadGenerator(tiny().withQos(1).withWindow(5)).run();

        assertEquals(150, r.sent(), r.report());
        assertEquals(150, r.acknowledged(), r.report());
        assertEquals(0, r.rejected() + r.failed() + r.stillOpen(), r.report());
        assertEquals(150, r.delivered(), r.report());
        assertEquals(0, r.lost(), r.report());
        assertEquals(0, r.duplicates(), r.report());
        assertEquals(0, r.foreign(), r.report());
        assertTrue(r.acknowledgementsAddUp() && r.deliveriesAddUp(), r.report());
        assertTrue(r.ackP50Micros() >= 0 && r.ackP50Micros() <= r.ackP99Micros()
                && r.ackP99Micros() <= r.ackMaxMicros(), r.report());
        assertTrue(r.errors().isEmpty(), r.report());
    }

    @Test
    void qos2WithWarmupKeepsTheWarmupOutOfTheFigures() throws Exception {
        LoadResult r = new LoadGenerator(tiny().withQos(2).withWindow(2).withWarmup(Duration.ofMillis(200))).run();

        assertEquals(150, r.sent(), r.report());
        assertEquals(150, r.acknowledged(), r.report());
        assertEquals(150, r.delivered(), r.report());
        assertEquals(0, r.lost(), r.report());
        assertEquals(0, r.duplicates(), r.report());
        assertTrue(r.warmupSent() > 0, r.report());
        assertEquals(r.warmupSent(), r.warmupDelivered(), r.report());
        assertTrue(r.acknowledgementsAddUp() && r.deliveriesAddUp(), r.report());
    }

    @Test
    void qos0CountsAddUp() throws Exception {
        // QoS 0 is unacknowledged and unpaced: whatever the gateway drops is lost, and must show up as such.
        LoadResult r = new LoadGenerator(tiny().withQos(0)).run();

        assertEquals(150, r.sent(), r.report());
        assertEquals(r.sent(), r.delivered() + r.lost(), r.report());
        assertEquals(0, r.duplicates(), r.report());
        assertTrue(r.deliveriesAddUp(), r.report());
    }

    @Test
    void qos0SensorsSharingSenderThreadsEachPublishFromTheirOwnAddress() throws Exception {
        // More sensors than sender threads: every one must still connect, register and publish on its own socket.
        int sensors = 12;
        LoadOptions options = tiny().withQos(0).withSensors(sensors).withMessagesPerSensor(20)
                .withWarmup(Duration.ofMillis(100));
        try (BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe(options.topicPrefix() + "/#", 0);
            LoadResult r = new LoadGenerator(options).run();

            assertTrue(sensors > LoadGenerator.UNWINDOWED_SENDERS);
            assertEquals(sensors * 20L, r.sent(), r.report());
            assertEquals(r.sent(), r.delivered() + r.lost(), r.report());
            assertEquals(0, r.duplicates(), r.report());
            assertTrue(r.errors().isEmpty(), r.report());
            // QoS 0 may lose a datagram under load, but not all twenty of one sensor.
            Set<String> topics = probe.messages().stream().map(ProbeMessage::topic).collect(Collectors.toSet());
            for (int i = 0; i < sensors; i++) {
                assertTrue(topics.contains(options.topicOf(i)), "nothing from sensor " + i + ": " + r.report());
            }
        }
    }

    @Test
    void withRetriesSensorsResendAsRealOnesAndTheRunCountsEachMessageOnce() throws Exception {
        LoadOptions options = tiny().withQos(1).withWindow(5).withRetry(new RetryPolicy(Duration.ofMillis(200), 5));
        assertEquals(Duration.ofMillis(1200), options.answerTimeout(), "the interval before each resend and after the last");
        assertTrue(options.describe().endsWith("retry=200ms x5"), options.describe());

        LoadResult r = new LoadGenerator(options).run();

        assertEquals(150, r.acknowledged(), r.report());
        assertEquals(0, r.failed() + r.lost(), r.report());
        // A resend the gateway had already answered reaches the broker once: DUP with the same message id.
        assertEquals(150, r.delivered(), r.report());
        assertTrue(r.errors().isEmpty(), r.report());
    }

    @Test
    void refusesNonLoopbackTargets() {
        assertThrows(IllegalArgumentException.class, () -> tiny().withBrokerUrl("tcp://192.0.2.1:1883"));
        assertThrows(IllegalArgumentException.class,
                () -> tiny().withGateway(new java.net.InetSocketAddress("192.0.2.1", 1884)));
    }
}
