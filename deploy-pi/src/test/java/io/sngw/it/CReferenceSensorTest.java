package io.sngw.it;

import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.RadioKey;
import io.sngw.deploy.CliRun;
import io.sngw.testing.CSensor;
import io.sngw.testing.ProbeMessage;
import io.sngw.testing.VirtualSerialPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static io.sngw.deploy.CliRun.sngw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C reference sensor (firmware/c, its {@code sngw-sensor} demo built with gcc against Debian's mbedTLS) as an
 * independent peer of the deployed gateway, in a process of its own: it pairs over the air, publishes at every QoS to
 * the real Mosquitto and receives what is published there, over real UDP and over a socat pty in the raw framing.
 * Two implementations agreeing on docs/radio-security.md and docs/pairing.md. Skipped, with the reason, where the C
 * sensor cannot be built.
 */
class CReferenceSensorTest extends RadioGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String CODE = "a0a1a2a3-a4a5a6a7-a8a9aaab-acadaeaf";
    private static final long DEVID = 0x0013a20041b2c3d4L;
    private static final String RADIO_ID = "0013a20041b2c3d4";
    /** Resends soon (a HELLO sent before the window is seen is ignored), a bound on every run. */
    private static final List<String> FAST = List.of("--tretry", "1", "--nretry", "10", "--timeout", "30");

    private Path binary;
    private Path state;
    private int runs;

    /** What one run of the demo printed and how it ended. */
    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + ", stdout [" + out.strip() + "], stderr [" + err.strip() + "]";
        }
    }

    @BeforeEach
    void buildTheCSensor() {
        binary = CSensor.binary(); // aborts the test, with the reason, where it cannot be built
        state = dir.resolve("sensor.state");
    }

    private List<String> udp() {
        return List.of("--udp", "127.0.0.1:" + gateway.app().udpAddress().getPort());
    }

    private List<String> serial() {
        return List.of("--serial", gateway.sensorDevice().toString(), "--baud", "115200", "--raw");
    }

    private void openWindow(String installCode) {
        gateway.app().pairingWindows().open(Duration.ofMinutes(1),
                Optional.ofNullable(installCode).map(InstallCode::parse), Optional.empty(),
                OptionalLong.empty());
    }

    /** A running demo whose stdout and stderr go to files in {@code dir}. */
    private record Started(Process process, Path out, Path err) {
    }

    /** {@code sngw-sensor COMMAND LINK FAST ARGS...}, started with its output in files of {@code dir}. */
    private Started start(String command, List<String> link, String... args) {
        List<String> line = new ArrayList<>(List.of(binary.toString(), command));
        line.addAll(link);
        line.addAll(FAST); // before the arguments: a test's own --tretry / --nretry come later and win
        line.addAll(List.of(args));
        int n = runs++;
        Path out = dir.resolve("run-" + n + ".out");
        Path err = dir.resolve("run-" + n + ".err");
        try {
            return new Started(new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + line, e);
        }
    }

    /** Waits for the demo to end (killing it past {@link #WAIT}). */
    private Run finish(Started started) throws Exception {
        Process p = started.process();
        boolean ended = p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Run run = new Run(ended ? p.exitValue() : -1, Files.readString(started.out(), StandardCharsets.UTF_8),
                Files.readString(started.err(), StandardCharsets.UTF_8));
        if (!ended) {
            fail("sngw-sensor did not end within " + WAIT + ": " + run);
        }
        return run;
    }

    private Run sensor(String command, List<String> link, String... args) throws Exception {
        return finish(start(command, link, args));
    }

    /** Three runs of {@code pub}, one per QoS: each message at Mosquitto, exactly once, before the next run. */
    private void publishesAtEveryQos(List<String> link) throws Exception {
        for (int qos = 0; qos <= 2; qos++) {
            Run pub = sensor("pub", link, "--state", state.toString(), "--topic", "radio/c/up", "--qos",
                    String.valueOf(qos), "--message", "c-q" + qos);
            assertEquals(0, pub.code(), "pub at QoS " + qos + ": " + pub);
            probe.awaitMessages(qos + 1, WAIT);
        }
        List<ProbeMessage> got = probe.messages();
        assertEquals(List.of("c-q0", "c-q1", "c-q2"), got.stream().map(ProbeMessage::payloadString).toList());
        assertTrue(got.stream().allMatch(m -> m.topic().equals("radio/c/up")), got::toString);
        probe.clear();
    }

    /** {@code sub --count 1} gets what is published at Mosquitto once its subscription is in place. */
    private void receivesWhatIsPublishedAtTheBroker(List<String> link) throws Exception {
        Started sub = start("sub", link, "--state", state.toString(), "--topic", "radio/cmd/c", "--qos", "1",
                "--count", "1");
        // Published until the subscription is in place: the demo says nothing when it is.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sub.process().isAlive() && System.nanoTime() < deadline) {
            probe.publish("radio/cmd/c", "open", 1, false);
            sub.process().waitFor(300, TimeUnit.MILLISECONDS);
        }
        Run run = finish(sub);
        assertEquals(0, run.code(), run.toString());
        assertEquals("open", run.out().strip(), run.toString());
    }

    @Test
    void overUdpTheCSensorPairsWithItsInstallCodeInAWindowOpenedBySngwPairThenPublishesAndSubscribes()
            throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        Path config = Files.writeString(dir.resolve("cli.yaml"), "store: { dir: \"" + dir.resolve("data") + "\" }\n");
        CliRun window = sngw("pair", "--config", config.toString(), "--seconds", "60", "--install-code", CODE);
        assertEquals(0, window.code(), window.err());
        GatewayUnderTest.await("the gateway to see the window",
                () -> !gateway.app().pairingWindows().openNow().isEmpty());

        Run pair = sensor("pair", udp(), "--radio-id", RADIO_ID, "--install-code", CODE, "--state", state.toString());
        assertEquals(0, pair.code(), pair.toString());
        assertEquals("sn-" + RADIO_ID, pair.out().strip());
        assertEquals(RadioKey.Pairing.INSTALL_CODE, gateway.app().radioKeys().find(DEVID).orElseThrow().pairing());

        publishesAtEveryQos(udp());
        receivesWhatIsPublishedAtTheBroker(udp());
        assertEquals(0, gateway.counter("linksec.dropped.bad.mic"));
    }

    @Test
    void overASerialPtyTheCSensorPairsWithoutInstallCodeWhereAllowedAndIsMarkedSoThenPublishesAndSubscribes()
            throws Exception {
        assumeTrue(VirtualSerialPair.available(), "socat is not installed (apt-get install socat): skipped");
        gateway = RadioGateway.start(dir, broker.url(), "none", "required", true);
        openWindow(null);

        Run pair = sensor("pair", serial(), "--radio-id", RADIO_ID, "--state", state.toString());
        assertEquals(0, pair.code(), pair.toString());
        assertEquals("sn-" + RADIO_ID, pair.out().strip());
        assertEquals(RadioKey.Pairing.WITHOUT_INSTALL_CODE,
                gateway.app().radioKeys().find(DEVID).orElseThrow().pairing());
        Path config = Files.writeString(dir.resolve("cli.yaml"), "store: { dir: \"" + dir.resolve("data") + "\" }\n");
        CliRun list = sngw("devices", "list", "--config", config.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains(RADIO_ID + " paired without install code"), list.out());

        publishesAtEveryQos(serial());
        receivesWhatIsPublishedAtTheBroker(serial());
        assertEquals(0, gateway.counter("linksec.dropped.bad.mic"));
        assertTrue(gateway.counter("linksec.frames.opened") >= 10, () -> "opened "
                + gateway.counter("linksec.frames.opened"));
    }

    @Test
    void withAWrongInstallCodeTheCSensorExitsNonZeroAndNothingIsStored() throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        openWindow(CODE);

        Run pair = sensor("pair", udp(), "--radio-id", RADIO_ID, "--install-code",
                "00000000000000000000000000000001", "--state", state.toString(), "--tretry", "0.3", "--nretry", "2");
        assertNotEquals(0, pair.code(), pair.toString());
        assertTrue(pair.err().startsWith("sngw-sensor: refused"), pair.toString());
        assertEquals("", pair.out());
        assertFalse(Files.exists(state), "the sensor stored a state");
        assertTrue(gateway.app().radioKeys().find(DEVID).isEmpty());
        assertTrue(gateway.app().radioKeys().list().isEmpty());
    }
}
