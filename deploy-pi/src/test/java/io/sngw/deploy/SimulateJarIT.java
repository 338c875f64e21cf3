package io.sngw.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sngw simulate} from the packaged {@code sngw.jar} (the one the .deb installs), against a gateway in this JVM:
 * the load generator and what it needs (Paho, HdrHistogram) must be in the shaded jar, not only on the test class
 * path. Runs after {@code package}, as the other *IT do.
 */
class SimulateJarIT {

    @Test
    void theShadedJarsSimulateReachesTheBroker() throws Exception {
        Path jar = Path.of("target", "sngw.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is not built");
        GatewayConfig d = GatewayConfig.defaults();
        try (GatewayApp gateway = new GatewayApp(d.withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, null))
                .withUpstream(d.upstream().withEmbedded("127.0.0.1", 0))
                .withStore(d.store().withDir(GatewayConfig.NO_STORE)))) {
            int port = gateway.start().getPort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

            Commands run = Commands.run(java, "-jar", jar.toString(), "simulate", "--sensors", "2", "--rate", "10",
                    "--qos", "1", "--duration", "2s", "--gateway", "127.0.0.1:" + port, "--broker",
                    gateway.upstreamUrl());

            assertEquals(0, run.exitCode(), run.out() + run.err());
            List<String> summary = run.out().lines().filter(l -> l.startsWith("summary: ")).toList();
            assertEquals(1, summary.size(), run.out());
            assertTrue(summary.get(0).matches("summary: sent (\\d+), acked \\1, lost 0, delivered at the broker \\1; .*"),
                    summary.get(0));
        }
    }
}
