package io.sngw.deploy;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sngw simulate} against a real gateway (GatewayApp with its embedded broker, on ephemeral loopback ports):
 * what its summary says, and what really reached the broker (a subscriber of the test's own).
 */
class SimulateCommandTest {
    private static final Pattern SUMMARY = Pattern.compile(
            "summary: sent (\\d+), acked (\\d+|- \\(QoS 0\\)), lost (\\d+), delivered at the broker (\\d+); "
                    + "ack latency (p50 [0-9.]+ ms, p99 [0-9.]+ ms|-); duration [0-9.]+ s");

    private static GatewayApp gateway;
    private static String gatewayAddress;

    @BeforeAll
    static void startGateway() throws Exception {
        GatewayConfig d = GatewayConfig.defaults();
        gateway = new GatewayApp(d.withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, null))
                // QoS 0 ages from arrival: a cold JVM on a loaded machine may take over the default 100 ms at first
                .withUpstream(d.upstream().withEmbedded("127.0.0.1", 0).withQos0MaxAge(Duration.ofSeconds(30)))
                .withStore(d.store().withDir(GatewayConfig.NO_STORE))
                .withHttp(d.http().withPort(0)));
        gatewayAddress = "127.0.0.1:" + gateway.start().getPort();
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static CliRun simulate(String... options) {
        String[] args = new String[options.length + 5];
        args[0] = "simulate";
        args[1] = "--gateway";
        args[2] = gatewayAddress;
        args[3] = "--broker";
        args[4] = gateway.upstreamUrl();
        System.arraycopy(options, 0, args, 5, options.length);
        return CliRun.sngw(args);
    }

    private static Matcher summary(CliRun run) {
        Matcher m = SUMMARY.matcher(run.out());
        assertTrue(m.find(), "no summary in: " + run.out() + run.err());
        return m;
    }

    @Test
    void qos1SensorsAtARateEndWithASummaryOfWhatTheBrokerGot() {
        try (BrokerProbe probe = new BrokerProbe(gateway.upstreamUrl())) {
            probe.subscribe("sngw-load/#", 1);

            CliRun run = simulate("--sensors", "3", "--rate", "15", "--qos", "1", "--duration", "3s");

            assertEquals(0, run.code(), run.out() + run.err());
            Matcher s = summary(run);
            long sent = Long.parseLong(s.group(1));
            assertTrue(sent > 0, run.out());
            assertEquals(Long.toString(sent), s.group(2), run.out());
            assertEquals("0", s.group(3), run.out());
            assertEquals(Long.toString(sent), s.group(4), run.out());
            assertTrue(s.group(5).startsWith("p50 "), run.out());
            // What reached the broker, seen by a subscriber of the test's own: every message, from all three sensors.
            List<ProbeMessage> got = probe.awaitMessages((int) sent, Duration.ofSeconds(20));
            assertEquals(sent, got.size());
            assertEquals(3, got.stream().map(m -> m.topic().substring(m.topic().lastIndexOf('/') + 1)).distinct().count());
        }
    }

    @Test
    void notOnATerminalTheProgressComesALineAtATime() {
        CliRun run = simulate("--sensors", "2", "--rate", "10", "--qos", "0", "--duration", "5s");

        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("sent \\d+  acked \\d+  lost \\d+  at the broker \\d+  "
                + "[0-9.]+ msg/s")), run.out());
        assertTrue(run.out().indexOf('\r') < 0, "no carriage returns into a file: " + run.out());
        assertEquals("- (QoS 0)", summary(run).group(2));
    }

    @Test
    void sleepingSensorsWakeToPublishAndSleepAgain() {
        CliRun run = simulate("--sensors", "2", "--rate", "2", "--qos", "1", "--sleep", "2s", "--duration", "3s");

        assertEquals(0, run.code(), run.out() + run.err());
        Matcher s = summary(run);
        assertTrue(Long.parseLong(s.group(1)) >= 2, run.out());
        assertEquals(s.group(1), s.group(2), run.out());
        assertEquals("0", s.group(3), run.out());
        assertTrue(run.out().contains("sleeping 2s between messages"), run.out());
    }

    @Test
    void badOptionsAreRefusedWithExitCode2AndTheReason() {
        assertRefused("--sensors: 0 is not valid: expected 1 to 10000", "--sensors", "0", "--rate", "1");
        assertRefused("--rate: 0 is not valid", "--sensors", "1", "--rate", "0");
        assertRefused("--qos: 3 is not valid: expected 0, 1 or 2", "--sensors", "1", "--rate", "1", "--qos", "3");
        assertRefused("--duration: forever is not valid", "--sensors", "1", "--rate", "1", "--duration", "forever");
        assertRefused("--sleep: 1s is shorter than each sensor's interval", "--sensors", "10", "--rate", "1",
                "--sleep", "1s");
        assertRefused("--gateway: 192.0.2.1:1884 is not on this machine", "--sensors", "1", "--rate", "1",
                "--gateway", "192.0.2.1:1884");
        assertRefused("--gateway: nowhere is not valid", "--sensors", "1", "--rate", "1", "--gateway", "nowhere");
        CliRun missing = CliRun.sngw("simulate", "--sensors", "1");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--rate"), missing.err());
    }

    private static void assertRefused(String reason, String... options) {
        CliRun run = CliRun.sngw(prepend("simulate", options));
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(reason), run.err());
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
