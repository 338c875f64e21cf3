package io.sngw.deploy;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves that {@code bench/run} works: runs {@code bench/run --short} against the jars this build just packaged. Runs
 * in the integration-test phase (after {@code package}, see deploy-pi's pom), because the script starts
 * {@code deploy-pi/target/sngw.jar}. Asserts only that every scenario worked, never a figure: CI machines are small
 * and shared.
 */
class BenchRunSmokeIT {

    @Test
    void benchRunShortRunsEveryScenario() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path log = Path.of("target", "bench-run-short.txt").toAbsolutePath();
        Process process = new ProcessBuilder("bash", root.resolve("bench/run").toString(), "--short")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("bench/run --short did not finish within 150 s; see " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "bench/run --short failed:\n" + output);
        for (String row : new String[]{"QoS 0, 100 sensors", "QoS 1, 100 sensors, window 10", "sleeping sessions",
                "connect storm", "DTLS PSK handshakes/s", "process start to first CONNACK", "idle RSS",
                "Mosquitto ingest, QoS 1"}) {
            assertTrue(output.contains(row), "no '" + row + "' row in:\n" + output);
        }
    }
}
