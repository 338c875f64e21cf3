package io.sngw.it;

import io.sngw.deploy.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's HTTP endpoint on a real gateway with real sensors: /api/status, /api/clients, /metrics, /health,
 * and what it refuses.
 */
class StatusEndpointTest {
    @TempDir
    Path dataDir;

    private StatusGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void apiStatusCountsSessionsByStateAndNamesTheUpstreamAndTheLinks() {
        gateway = new StatusGateway(dataDir);
        gateway.connected("kitchen");
        gateway.asleep("cellar");
        GatewayUnderTest.await("the broker connected", gateway.app::brokerConnected);

        Map<?, ?> status = (Map<?, ?>) gateway.json("/api/status");

        Map<?, ?> sessions = (Map<?, ?>) status.get("sessions");
        assertEquals(1, sessions.get("active"));
        assertEquals(1, sessions.get("asleep"));
        assertEquals(0, sessions.get("lost"));
        assertEquals(2, sessions.get("total"));
        Map<?, ?> upstream = (Map<?, ?>) status.get("upstream");
        assertEquals(gateway.app.upstreamUrl(), upstream.get("url"));
        assertEquals(true, upstream.get("connected"));
        assertEquals(Map.of("kind", "udp", "address", "127.0.0.1:" + gateway.udp.getPort(), "state", "listening"),
                ((List<?>) status.get("links")).get(0));
        assertEquals(0, ((Map<?, ?>) status.get("queue")).get("depth"));
        assertNotNull(status.get("version"));
    }

    @Test
    void apiClientsListsEachSensorWithItsStateLinkAddressAndLastSeen() {
        gateway = new StatusGateway(dataDir);
        Sensor kitchen = gateway.connected("kitchen");
        gateway.asleep("cellar");

        List<?> clients = (List<?>) gateway.json("/api/clients");

        assertEquals(2, clients.size());
        Map<?, ?> cellar = (Map<?, ?>) clients.get(0);
        Map<?, ?> k = (Map<?, ?>) clients.get(1);
        assertEquals("cellar", cellar.get("clientId"));
        assertEquals("asleep", cellar.get("state"));
        assertEquals("kitchen", k.get("clientId"));
        assertEquals("active", k.get("state"));
        assertEquals("udp", k.get("link"));
        assertTrue(((String) k.get("address")).endsWith(":" + kitchen.localAddress().getPort()), k.toString());
        java.time.Instant.parse((String) k.get("lastSeen")); // an ISO-8601 instant
        assertEquals(0, k.get("subscriptions"));
        assertEquals(0, k.get("pending"));
    }

    @Test
    void apiClientsListsTheFirstSessionsByClientIdUpToTheLimitAsked() {
        gateway = new StatusGateway(dataDir);
        gateway.connected("kitchen");
        gateway.connected("attic");

        List<?> first = (List<?>) gateway.json("/api/clients?limit=1");

        assertEquals(List.of("attic"), first.stream().map(c -> ((Map<?, ?>) c).get("clientId")).toList());
        assertEquals(2, ((Map<?, ?>) ((Map<?, ?>) gateway.json("/api/status")).get("sessions")).get("total"));
    }

    @Test
    void metricsAreInPrometheusTextFormatWithSessionsMessagesUpstreamAndJvmMemory() {
        gateway = new StatusGateway(dataDir);
        Sensor kitchen = gateway.connected("kitchen");
        StatusGateway.publishQos0(kitchen, "21.5");
        GatewayUnderTest.await("the publish counted", () -> gateway.app.counters().get("publish.in.qos0") == 1);
        GatewayUnderTest.await("the broker connected", gateway.app::brokerConnected);

        HttpResponse<String> response = gateway.get("/metrics");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String metrics = response.body();
        assertContains(metrics, "sngw_sessions{link=\"udp\",state=\"active\"} 1");
        assertContains(metrics, "sngw_messages_total{direction=\"in\",qos=\"0\"} 1.0");
        assertContains(metrics, "sngw_upstream_connected 1.0");
        assertContains(metrics, "sngw_upstream_reconnects_total 0.0");
        assertContains(metrics, "sngw_queue_depth 0.0");
        assertContains(metrics, "sngw_decode_errors_total{reason=");
        assertContains(metrics, "sngw_drops_total{reason=\"publish.in.dropped\"} 0.0");
        assertContains(metrics, "jvm_memory_used_bytes{");
        assertFalse(metrics.contains("sngw_publish_in_qos0"), "one name per key");
    }

    @Test
    void healthIs200WhileTheBrokerIsConnected() {
        gateway = new StatusGateway(dataDir);
        GatewayUnderTest.await("the broker connected", gateway.app::brokerConnected);

        HttpResponse<String> response = gateway.get("/health");

        assertEquals(200, response.statusCode(), response.body());
        assertContains(response.body(), "\"status\":\"ok\"");
        assertContains(response.body(), "\"store\":{\"ok\":true");
    }

    @Test
    void healthIs503OnceTheBrokerHasBeenUnreachableLongerThanTheThreshold() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed
        }
        gateway = new StatusGateway(dataDir, c -> c.withUpstream(c.upstream().withUrl("tcp://127.0.0.1:" + closedPort))
                .withHttp(new GatewayConfig.HttpSettings(true, "127.0.0.1", 0, Duration.ofSeconds(1))));

        GatewayUnderTest.await("/health to answer 503", () -> gateway.get("/health").statusCode() == 503);
        String body = gateway.get("/health").body();
        assertContains(body, "\"status\":\"failing\"");
        assertContains(body, "\"connected\":false");
    }

    @Test
    void theEndpointIsReadOnlyAndNamesWhatItHasForAnUnknownPath() {
        gateway = new StatusGateway(dataDir);

        HttpResponse<String> post = gateway.request(HttpRequest.newBuilder(URI.create(gateway.url + "/api/status"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<String> unknown = gateway.get("/admin");

        assertEquals(405, post.statusCode());
        assertEquals(404, unknown.statusCode());
        assertContains(unknown.body(), "/metrics");
    }

    private static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), "expected " + expected + " in:\n" + text);
    }
}
