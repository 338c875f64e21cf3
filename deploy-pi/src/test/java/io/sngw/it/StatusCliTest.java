package io.sngw.it;

import io.sngw.deploy.CliRun;
import io.sngw.deploy.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sngw status} and {@code sngw clients} against a real running gateway, and without one. */
class StatusCliTest {
    @TempDir
    Path dataDir;

    private StatusGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void gatewayWithTwoSensors() {
        gateway = new StatusGateway(dataDir);
        gateway.connected("kitchen-th01");
        gateway.asleep("cellar-leak");
        GatewayUnderTest.await("the broker connected", gateway.app::brokerConnected);
    }

    @Test
    void statusSaysUptimeUpstreamSessionsByStateQueueAndLinks() {
        gatewayWithTwoSensors();

        CliRun run = CliRun.sngw("status", "--url", gateway.url);

        assertEquals(0, run.code(), run.err());
        assertContains(run.out(), "upstream  " + gateway.app.upstreamUrl() + "  connected (0 reconnects)");
        assertContains(run.out(), "sessions  2: 1 active, 1 asleep, 0 awake, 0 lost, 0 disconnected");
        assertContains(run.out(), "queue     0 messages");
        assertContains(run.out(), "link      udp 127.0.0.1:" + gateway.udp.getPort() + "  listening");
        assertTrue(run.out().startsWith("sngw "), run.out());
    }

    @Test
    void clientsIsATableOfTheSensorsWithStateLinkAndLastSeen() {
        gatewayWithTwoSensors();

        CliRun run = CliRun.sngw("clients", "--url", gateway.url);

        assertEquals(0, run.code(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        assertTrue(lines.get(0).matches("CLIENT ID +STATE +LINK +ADDRESS +LAST SEEN +SUBS +PENDING"), lines.get(0));
        assertTrue(lines.get(1).matches("cellar-leak +asleep +udp +udp:127\\.0\\.0\\.1:\\d+ +\\d+s ago +0 +0"),
                lines.get(1));
        assertTrue(lines.get(2).matches("kitchen-th01 +active +udp +udp:127\\.0\\.0\\.1:\\d+ +\\d+s ago +0 +0"),
                lines.get(2));
    }

    @Test
    void clientsJsonIsTheEndpointsListForScripts() {
        gatewayWithTwoSensors();

        CliRun run = CliRun.sngw("clients", "--json", "--url", gateway.url);

        assertEquals(0, run.code(), run.err());
        List<?> clients = (List<?>) Json.parse(run.out());
        assertEquals(List.of("cellar-leak", "kitchen-th01"),
                clients.stream().map(c -> ((Map<?, ?>) c).get("clientId")).toList());
    }

    @Test
    void theGatewayIsFoundThroughTheHttpKeysOfItsConfiguration() throws Exception {
        gatewayWithTwoSensors();
        Path config = Files.writeString(dataDir.resolve("sngw.yaml"),
                "http: { bind: \"0.0.0.0\", port: " + gateway.app.httpAddress().getPort() + " }\n");

        CliRun run = CliRun.sngw("status", "--config", config.toString());

        assertEquals(0, run.code(), run.err());
        assertContains(run.out(), "sessions  2:");
    }

    @Test
    void withNoGatewayRunningItSaysSoAndExitsWith1() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        CliRun status = CliRun.sngw("status", "--url", "http://127.0.0.1:" + closedPort);
        CliRun clients = CliRun.sngw("clients", "--json", "--url", "http://127.0.0.1:" + closedPort);

        assertEquals(1, status.code());
        assertContains(status.err(), "sngw: no gateway answers at http://127.0.0.1:" + closedPort + " (is it running?");
        assertEquals("", status.out());
        assertEquals(1, clients.code());
        assertEquals("", clients.out());
    }

    @Test
    void aConfigurationThatCannotBeReadExitsWith2() throws Exception {
        Path config = Files.writeString(dataDir.resolve("bad.yaml"), "http: { port: 70000 }\n");

        CliRun run = CliRun.sngw("status", "--config", config.toString());

        assertEquals(2, run.code());
        assertContains(run.err(), "http.port: 70000 is not valid");
    }

    private static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), "expected " + expected + " in:\n" + text);
    }
}
