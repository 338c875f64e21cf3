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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One address flooding valid QoS 0 PUBLISHes cannot starve the others (issue 14): its excess over a fair share is shed
 * and counted before it is copied or decoded, its address is logged once, it is read apart from the others where the
 * listener can steer it (native epoll), and legitimate sensors, resending after
 * T_retry as real ones do, lose none of their QoS 1 messages, paced flood or unpaced. What the flood costs them in
 * latency (ack p99 with and without it) and what the kernel dropped per socket are printed as figures for the README,
 * never asserted: this machine is small and shared.
 */
class FloodFairnessTest extends EndToEndTest {
    private static final int SENSORS = 3;
    private static final int MESSAGES_EACH = 20;
    /** T_retry and N_retry of the legitimate sensors: 5.5 s before one gives a message up. */
    private static final RetryPolicy SENSOR_RETRY = new RetryPolicy(Duration.ofMillis(500), 10);

    private final List<String> fairShareLog = new ArrayList<>();
    private final Handler logCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (fairShareLog) {
                fairShareLog.add(String.valueOf(record.getMessage()) + " " + Arrays.toString(record.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void subscribeProbeAndListen() {
        probe.subscribe("fair/#", 1);
        Logger.getLogger("io.sngw.core.FairShare").addHandler(logCapture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("io.sngw.core.FairShare").removeHandler(logCapture);
    }

    /** Legitimate sensors' figures: acknowledgement latencies in microseconds, sorted. */
    private record Legit(long[] ackMicros) {
        long p99Millis() {
            return ackMicros.length == 0 ? -1 : ackMicros[(int) Math.ceil(ackMicros.length * 0.99) - 1] / 1000;
        }
    }

    /** Connects the sensors, publishes {@value #MESSAGES_EACH} QoS 1 messages from each in turn, all acknowledged. */
    private Legit publishLegitimately(String run) {
        List<MqttSnClient> sensors = new ArrayList<>();
        List<Long> micros = new ArrayList<>();
        try {
            for (int s = 0; s < SENSORS; s++) {
                MqttSnClient sensor = new MqttSnClient(gateway.address(), ClientOptions.defaults()
                        .withTimeout(Duration.ofSeconds(10)).withRetry(SENSOR_RETRY));
                sensors.add(sensor);
                sensor.connect(run + "-" + s, 60, true);
            }
            for (int m = 0; m < MESSAGES_EACH; m++) {
                for (int s = 0; s < SENSORS; s++) {
                    String text = run + "-" + s + "-" + m;
                    long t0 = System.nanoTime();
                    assertEquals(ReturnCode.ACCEPTED, sensors.get(s).publish("fair/" + run + "/" + s, 1, false,
                            text.getBytes(StandardCharsets.UTF_8)).returnCode(), text);
                    micros.add((System.nanoTime() - t0) / 1000);
                }
            }
        } finally {
            sensors.forEach(MqttSnClient::close);
        }
        return new Legit(micros.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    private int expectedAtProbe;

    private void assertEveryLegitimateMessageArrived(String run) {
        expectedAtProbe += SENSORS * MESSAGES_EACH;
        List<ProbeMessage> arrived = probe.awaitMessages(expectedAtProbe, Duration.ofSeconds(15));
        Set<String> distinct = arrived.stream().map(ProbeMessage::payloadString).filter(p -> p.startsWith(run + "-"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(SENSORS * MESSAGES_EACH, distinct.size(), "every legitimate message reached the broker");
    }

    /**
     * Floods from one connected address until stopped: {@code perMilli} datagrams then a pause of a millisecond, or
     * unpaced (0). Returns the thread and the count it sent.
     */
    private Thread flood(Sensor flooder, int perMilli, AtomicBoolean stop, AtomicLong sent) {
        int topicId = flooder.register("flood/x", 1);
        byte[] publish = MqttSnCodec.encode(new Publish(false, 0, false, new TopicRef.Registered(topicId), 0,
                "flood".getBytes(StandardCharsets.UTF_8)));
        Thread thread = new Thread(() -> {
            long n = 0;
            while (!stop.get()) {
                flooder.sendBytes(publish);
                n++;
                if (perMilli > 0 && n % perMilli == 0) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            sent.set(n);
        }, "one-address-flood");
        thread.start();
        return thread;
    }

    private long fairShareLinesNaming(Sensor flooder) {
        String port = ":" + flooder.localAddress().getPort();
        synchronized (fairShareLog) {
            return fairShareLog.stream().filter(line -> line.contains(port)).count();
        }
    }

    /** @param readApart whether to wait, before the sensors publish, for the flooder to be read on its own socket */
    private void runUnderFlood(int perMilli, String label, boolean readApart) throws Exception {
        Legit quiet = publishLegitimately("quiet" + label);
        assertEveryLegitimateMessageArrived("quiet" + label);
        try (Sensor flooder = gateway.sensor()) {
            flooder.connect("flooder");
            List<Long> dropsBefore = gateway.kernelDrops();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            long start = System.nanoTime();
            Thread flood = flood(flooder, perMilli, stop, sent);
            Legit flooded;
            try {
                if (readApart) {
                    awaitReadApart(flooder);
                }
                flooded = publishLegitimately(label);
                // The flood goes on until it is read apart: a short paced flood (the sensors done in half a second,
                // none of their datagrams dropped by the kernel) may not yet have had a long enough run of sheds.
                awaitReadApart(flooder);
            } finally {
                stop.set(true);
                flood.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> dropsAfter = gateway.kernelDrops();

            assertEveryLegitimateMessageArrived(label);
            assertTrue(gateway.metrics().get(Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE) > 0, "the flood was shed");
            assertEquals(1, fairShareLinesNaming(flooder), "the flooding address is logged once: " + fairShareLog);
            // native epoll: a flooder refused long enough is read on a socket of its own; a paced flood on a loaded
            // machine may end before it was refused that often, so only the run that waited for it asserts it
            if (readApart && gateway.steersFlooders()) {
                assertTrue(gateway.readsApartAsAFlooder(flooder.localAddress()));
            }
            List<Long> drops = new ArrayList<>();
            for (int i = 0; i < Math.min(dropsBefore.size(), dropsAfter.size()); i++) {
                drops.add(dropsAfter.get(i) - dropsBefore.get(i));
            }
            System.out.printf("fairness (%s): legit QoS 1 ack p99 %d ms without a flood, %d ms under one address "
                            + "sending %.0f datagrams/s; legit lost 0 after retries; shed %d; kernel drops per socket %s%n",
                    label, quiet.p99Millis(), flooded.p99Millis(), sent.get() / seconds,
                    gateway.metrics().get(Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE), drops);
        }
    }

    /** Where the listener steers (native epoll), waits for the flooder to be read on a socket of its own. */
    private void awaitReadApart(Sensor flooder) {
        if (gateway.steersFlooders()) {
            GatewayUnderTest.await("the flooder to be read apart",
                    () -> gateway.readsApartAsAFlooder(flooder.localAddress()));
        }
    }

    @Test
    void aPacedOneAddressFloodIsShedAndLegitimateSensorsLoseNothing() throws Exception {
        runUnderFlood(30, "paced", false); // at most 30,000 a second: the issue's 60,000 was on a bigger machine
    }

    @Test
    void anUnpacedOneAddressFloodIsShedAndLegitimateSensorsLoseNothingAfterTheirRetries() throws Exception {
        runUnderFlood(0, "unpaced", true);
    }
}
