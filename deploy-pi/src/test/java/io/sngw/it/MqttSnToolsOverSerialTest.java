package io.sngw.it;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.FreePorts;
import io.sngw.testing.ProbeMessage;
import io.sngw.testing.ThirdParty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third-party client on a serial line: njh/mqtt-sn-tools' mqtt-sn-pub and mqtt-sn-sub (built from
 * shared/thirdparty) speak UDP, and {@code socat UDP-LISTEN:PORT OPEN:PTY} puts what they send on the sensor end of
 * the gateway's raw serial port, and what the gateway writes there back into their datagrams. What they publish is
 * checked at a real Mosquitto; what Mosquitto publishes reaches mqtt-sn-sub. Skipped with the reason where the tools
 * cannot be built.
 */
class MqttSnToolsOverSerialTest extends SharedBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private SerialGateway gateway;
    private BrokerProbe probe;
    private final List<Process> processes = new ArrayList<>();
    private Process relay;

    @BeforeEach
    void start() {
        ThirdParty.binary("mqtt-sn-pub"); // skips the class's tests, with the reason, where they cannot be built
        gateway = SerialGateway.start(dir, broker.url(), "raw");
        probe = new BrokerProbe(broker.url());
        probe.subscribe("tools/#", 1);
        probe.subscribe("ab", 0);
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        if (probe != null) {
            probe.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void mqttSnPubPublishesAtQosMinusOneZeroAndOneOverTheSerialLine() throws Exception {
        run(pub("-q", "-1", "-t", "ab", "-m", "minus-one"));
        assertEquals("minus-one", probe.awaitMessages(1, WAIT).get(0).payloadString());
        run(pub("-q", "0", "-t", "tools/q0", "-m", "zero", "-i", "tools-pub-0"));
        run(pub("-q", "1", "-t", "tools/q1", "-m", "one", "-i", "tools-pub-1"));
        List<ProbeMessage> got = probe.awaitMessages(3, WAIT);
        assertEquals(List.of("ab minus-one", "tools/q0 zero", "tools/q1 one"),
                got.stream().map(m -> m.topic() + " " + m.payloadString()).toList());
    }

    @Test
    void mqttSnPubBehindForwarderEncapsulationIsASessionOfItsOwn() throws Exception {
        run(pub("-q", "1", "-t", "tools/fe", "-m", "wrapped", "-i", "tools-fe", "--fe", "--wlnid", "77"));
        assertEquals("wrapped", probe.awaitMessages(1, WAIT).get(0).payloadString());
    }

    @Test
    void mqttSnSubReceivesWhatIsPublishedAtTheBroker() throws Exception {
        Path out = dir.resolve("sub.out");
        Process sub = start(List.of(ThirdParty.binary("mqtt-sn-sub").toString(), "-1", "-v", "-q", "1", "-t",
                "tools/down", "-i", "tools-sub", "-k", "30", "-p", String.valueOf(relay())), out);
        // Published until the subscription is in place: mqtt-sn-sub says nothing when it is.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sub.isAlive() && System.nanoTime() < deadline) {
            probe.publish("tools/down", "to the sensor", 1, false);
            sub.waitFor(300, TimeUnit.MILLISECONDS);
        }
        assertTrue(!sub.isAlive(), "mqtt-sn-sub received nothing: " + Files.readString(out));
        assertEquals("tools/down: to the sensor", Files.readString(out, StandardCharsets.UTF_8).strip());
    }

    /** One tool invocation through a fresh relay (a relay serves the first peer it hears from). */
    private void run(List<String> command) throws Exception {
        List<String> withPort = new ArrayList<>(command);
        withPort.addAll(List.of("-p", String.valueOf(relay())));
        Path out = dir.resolve("tool-" + processes.size() + ".out");
        Process p = start(withPort, out);
        assertTrue(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "tool did not finish: " + withPort);
        assertEquals(0, p.exitValue(), withPort + " failed: " + Files.readString(out));
    }

    private List<String> pub(String... args) {
        List<String> command = new ArrayList<>(List.of(ThirdParty.binary("mqtt-sn-pub").toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** A socat relay from a free UDP port on loopback to the sensor end of the gateway's port; returns the port. */
    private int relay() throws IOException {
        if (relay != null) {
            relay.destroy(); // the previous tool's relay: it holds the sensor end
            try {
                relay.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int port = FreePorts.udp();
        relay = start(List.of("socat", "UDP-LISTEN:" + port + ",bind=127.0.0.1",
                "OPEN:" + gateway.pair(0).sensorEnd() + ",rawer"), dir.resolve("relay-" + port + ".out"));
        String hexPort = String.format(Locale.ROOT, ":%04X ", port);
        GatewayUnderTest.await("socat to listen on UDP " + port, () -> {
            try {
                return Files.readAllLines(Path.of("/proc/net/udp")).stream().anyMatch(l -> l.contains(hexPort));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return port;
    }

    private Process start(List<String> command, Path out) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }
}
