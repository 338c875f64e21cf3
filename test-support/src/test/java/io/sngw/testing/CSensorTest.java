package io.sngw.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The C sensor's own tests (firmware/c, ctest) run in the Maven build, so that CI exercises the C code: the library
 * against the shared known-answer vectors, and the demo end to end against its stand-in gateway side. Skipped,
 * with the reason, where the machine cannot build C against mbedTLS.
 */
class CSensorTest {

    private static String ctest(String testRegex) throws IOException, InterruptedException {
        Path build = CSensor.buildDirectory();
        Path log = Files.createTempFile("ctest", ".log");
        try {
            Process p = new ProcessBuilder(List.of("ctest", "--output-on-failure", "-R", testRegex))
                    .directory(build.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return "ctest timed out: " + Files.readString(log, StandardCharsets.UTF_8);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return p.exitValue() == 0 ? "" : "ctest exit " + p.exitValue() + ":\n" + output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void libraryProducesExactlyTheSharedKnownAnswerVectors() throws Exception {
        assertEquals("", ctest("^(known-answer-vectors|mqttsn-packets)$"));
    }

    @Test
    void demoPairsPublishesSubscribesAndSleepsAgainstTheStandInGateway() throws Exception {
        assertEquals("", ctest("^(demo-end-to-end|demo-serial-framings)$"));
    }

    @Test
    void demoBinaryIsBuiltAndAnswersHelp() throws Exception {
        Path binary = CSensor.binary();
        assertTrue(Files.isExecutable(binary), binary + " is not executable");
        Process p = new ProcessBuilder(binary.toString(), "--help").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("usage: sngw-sensor pair|pub|sub|sleep"), out);
    }
}
