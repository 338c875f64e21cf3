package io.sngw.deploy;

import io.sngw.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Try it" typed as a newcomer types it: its {@code mosquitto_sub} and {@code printf … | socat} lines,
 * read from the README, run by bash (the shell a newcomer types into; dash's printf knows no \x escapes) against a
 * gateway with the embedded broker; only the ports are the test's own (1883 and 1884 may be taken on a shared machine).
 */
class QuickStartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private GatewayApp gateway;
    private int mqttPort;
    private int udpPort;
    private String tryIt;

    @BeforeEach
    void start() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int from = readme.indexOf("### Try it");
        tryIt = readme.substring(from, readme.indexOf("\n#", from + 1));
        mqttPort = FreePorts.tcp();
        udpPort = FreePorts.udp();
        gateway = new GatewayApp(ConfigLoader.parse("udp: { bind: \"127.0.0.1\", port: " + udpPort + " }\n"
                + "upstream: { embedded-port: " + mqttPort + " }\nstore: { dir: none }\n"));
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void theReadmesMosquittoSubPrintsWhatTheReadmesSensorPublishes() throws Exception {
        String subscribe = command("mosquitto_sub -h 127.0.0.1 -p 1883 -t '#' -v");
        String publish = command("printf '\\x09\\x0c\\x62\\x61\\x62\\x00\\x00\\x68\\x69' | socat - UDP:127.0.0.1:1884");
        Path out = Files.createTempFile("mosquitto_sub", ".txt");
        Process sub = shell(subscribe, out);
        try {
            String expected = "ab hi";
            long deadline = System.nanoTime() + WAIT.toNanos();
            // Until the subscription is in place a QoS -1 publish is simply not delivered: publish until it arrives.
            while (!Files.readString(out).contains(expected) && System.nanoTime() < deadline && sub.isAlive()) {
                assertEquals(0, shell(publish, Path.of("/dev/null")).waitFor());
                sub.waitFor(200, TimeUnit.MILLISECONDS);
            }
            assertTrue(Files.readString(out).contains(expected), "mosquitto_sub printed: " + Files.readString(out));
        } finally {
            sub.destroy();
            sub.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
        }
    }

    @Test
    void mqttv5IsRefusedAsTheReadmeSays() throws Exception {
        Matcher said = Pattern.compile("`(mosquitto_sub -V mqttv5 [^`]+)` is refused and prints\\s+`([^`]+)`")
                .matcher(tryIt);
        assertTrue(said.find(), "the README no longer says what -V mqttv5 does");
        Path out = Files.createTempFile("mosquitto_sub", ".txt");
        Process sub = shell(said.group(1).replace("-p 1883", "-p " + mqttPort), out);
        try {
            assertTrue(sub.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "mosquitto_sub -V mqttv5 was not refused");
            assertTrue(Files.readString(out).contains(said.group(2)), Files.readString(out));
        } finally {
            sub.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    /** The README's line, checked to be there verbatim, with the test's ports. */
    private String command(String asWritten) {
        assertTrue(tryIt.contains("\n" + asWritten + "\n"), "the README's Try it no longer says: " + asWritten);
        return asWritten.replace("-p 1883", "-p " + mqttPort).replace("127.0.0.1:1884", "127.0.0.1:" + udpPort);
    }

    private static Process shell(String command, Path output) throws Exception {
        return new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }
}
