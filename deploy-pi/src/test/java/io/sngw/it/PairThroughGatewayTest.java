package io.sngw.it;

import io.sngw.core.linksec.PairingWindow;
import io.sngw.deploy.CliRun;
import io.sngw.deploy.http.PairToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sngw pair} opens its window through the running gateway's endpoint ({@code POST /api/pair}) when that
 * gateway answers, and through the store otherwise; the endpoint takes it only from this machine, as JSON, not from a
 * web page, and only with the token the gateway wrote into its store directory (who may pair through the store).
 */
class PairThroughGatewayTest {
    private static final String INSTALL_CODE = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDir;

    private StatusGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Path configOf(Path storeDir, int httpPort) throws Exception {
        return Files.writeString(otherDir.resolve("sngw-" + httpPort + ".yaml"),
                "store: { dir: \"" + storeDir + "\" }\nhttp: { port: " + httpPort + " }\n");
    }

    @Test
    void aWindowOpensAtOnceOnTheRunningGateway() throws Exception {
        gateway = new StatusGateway(dataDir);
        Path config = configOf(dataDir, gateway.app.httpAddress().getPort());

        CliRun run = CliRun.sngw("pair", "--config", config.toString(), "--seconds", "120",
                "--install-code", INSTALL_CODE);

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("pairing window open for 120 s (until "), run.out());
        assertTrue(run.out().contains("on the running gateway at " + gateway.url + ": with install code, any radio"),
                run.out());
        assertFalse(run.out().contains(INSTALL_CODE), "the install code is a secret");
        List<PairingWindow> open = gateway.app.pairingWindows().openNow();
        assertEquals(1, open.size());
        Duration left = Duration.between(Instant.now(), open.get(0).closes());
        assertTrue(left.compareTo(Duration.ofSeconds(100)) > 0 && left.compareTo(Duration.ofSeconds(121)) < 0, left.toString());
    }

    @Test
    void withNoGatewayAnsweringTheWindowGoesThroughTheStore() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path config = configOf(dataDir, closedPort);

        CliRun run = CliRun.sngw("pair", "--config", config.toString(), "--install-code", INSTALL_CODE);

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains(") in " + dataDir.resolve("sngw.db") + ": with install code"), run.out());
    }

    @Test
    void aGatewayOnAnotherStoreIsNotTheOneMeantAndTheWindowGoesThroughTheStore() throws Exception {
        gateway = new StatusGateway(dataDir);
        Path elsewhere = Files.createDirectories(otherDir.resolve("store"));
        Path config = configOf(elsewhere, gateway.app.httpAddress().getPort());

        CliRun run = CliRun.sngw("pair", "--config", config.toString(), "--install-code", INSTALL_CODE);

        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains(") in " + elsewhere.resolve("sngw.db")), run.out());
        assertEquals(List.of(), gateway.app.pairingWindows().openNow());
    }

    @Test
    void theEndpointRefusesAWebPageAndAnythingButJson() {
        gateway = new StatusGateway(dataDir);
        String json = "{\"seconds\": 60, \"installCode\": \"" + INSTALL_CODE + "\"}";

        HttpResponse<String> fromAPage = gateway.request(HttpRequest.newBuilder(URI.create(gateway.url + "/api/pair"))
                .header("Content-Type", "application/json").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
        HttpResponse<String> asAForm = gateway.request(HttpRequest.newBuilder(URI.create(gateway.url + "/api/pair"))
                .header("Content-Type", "text/plain").header(PairToken.HEADER, token())
                .POST(HttpRequest.BodyPublishers.ofString(json)));
        HttpResponse<String> badSeconds = gateway.request(HttpRequest.newBuilder(URI.create(gateway.url + "/api/pair"))
                .header("Content-Type", "application/json").header(PairToken.HEADER, token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"seconds\": 0}")));

        assertEquals(403, fromAPage.statusCode());
        assertEquals(415, asAForm.statusCode());
        assertEquals(400, badSeconds.statusCode());
        assertTrue(badSeconds.body().contains("seconds: expected an integer 1..3600"), badSeconds.body());
        assertEquals(List.of(), gateway.app.pairingWindows().openNow());
    }

    @Test
    void withoutTheTokenFromTheStoreNoWindowOpens() {
        gateway = new StatusGateway(dataDir);
        String json = "{\"seconds\": 60, \"installCode\": \"" + INSTALL_CODE + "\"}";

        HttpResponse<String> none = gateway.request(HttpRequest.newBuilder(URI.create(gateway.url + "/api/pair"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        HttpResponse<String> wrong = gateway.request(HttpRequest.newBuilder(URI.create(gateway.url + "/api/pair"))
                .header("Content-Type", "application/json").header(PairToken.HEADER, "00".repeat(32))
                .POST(HttpRequest.BodyPublishers.ofString(json)));

        assertEquals(403, none.statusCode());
        assertEquals(403, wrong.statusCode());
        assertTrue(none.body().contains(dataDir.resolve("pair.token").toString()), none.body());
        assertEquals(List.of(), gateway.app.pairingWindows().openNow());
    }

    @Test
    void theTokenIsReadableByTheGatewaysUserOnly() throws Exception {
        gateway = new StatusGateway(dataDir);

        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("pair.token"))));
    }

    private String token() {
        return PairToken.read(dataDir).orElseThrow();
    }
}
