package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BridgeOptionsTest {

    private static String rejection(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void tcpUrlGivesHostAndPort() {
        BridgeOptions o = BridgeOptions.fromUrl("tcp://broker.example:8883", "gw-1");
        assertEquals("broker.example", o.host());
        assertEquals(8883, o.port());
        assertEquals(null, o.tls());
        assertEquals("gw-1", o.clientId());
    }

    @Test
    void tcpUrlWithoutPortUses1883() {
        assertEquals(1883, BridgeOptions.fromUrl("tcp://10.0.0.5", "gw").port());
        assertEquals(1883, BridgeOptions.fromUrl("TCP://10.0.0.5/", "gw").port());
    }

    @Test
    void ipv6LiteralLosesItsBrackets() {
        BridgeOptions o = BridgeOptions.fromUrl("tcp://[::1]:1884", "gw");
        assertEquals("::1", o.host());
        assertEquals("[::1]:1884", o.address());
    }

    @Test
    void fromUrlUsesTheDefaults() {
        BridgeOptions o = BridgeOptions.fromUrl("tcp://h:1", "gw");
        assertEquals(Duration.ofSeconds(30), o.keepAlive());
        assertEquals(Duration.ofSeconds(10), o.connectTimeout());
        assertEquals(Duration.ofMillis(500), o.reconnectMin());
        assertEquals(Duration.ofSeconds(30), o.reconnectMax());
        assertEquals(10_000, o.maxInflight());
        assertEquals(null, o.username());
        assertEquals(null, o.password());
    }

    @Test
    void tlsSchemesMeanTlsVerifiedAgainstTheSystemTrustStoreOn8883() {
        BridgeOptions ssl = BridgeOptions.fromUrl("ssl://h:8884", "gw");
        assertEquals(TlsOptions.systemTrust(), ssl.tls());
        assertEquals(8884, ssl.port());
        BridgeOptions mqtts = BridgeOptions.fromUrl("mqtts://h", "gw");
        assertEquals(8883, mqtts.port());
        assertTrue(mqtts.tls().verifyHostname());
        assertEquals(null, mqtts.tls().caFile());
    }

    @Test
    void mqttSchemeIsPlainTcp() {
        assertEquals(null, BridgeOptions.fromUrl("mqtt://h", "gw").tls());
    }

    @Test
    void clientCertificateNeedsItsKeyAndTheOtherWayRound() {
        java.nio.file.Path pem = java.nio.file.Path.of("/etc/c.pem");
        assertEquals("a TLS client certificate file is given without its key file",
                rejection(() -> TlsOptions.systemTrust().withClientCertificate(pem, null)));
        assertEquals("a TLS client key file is given without its certificate file",
                rejection(() -> TlsOptions.systemTrust().withClientCertificate(null, pem)));
    }

    @Test
    void statusTopicMustBeATopicName() {
        assertTrue(rejection(() -> BridgeOptions.of("h", 1883, "gw").withStatusTopic("a/+/b"))
                .startsWith("statusTopic: "));
    }

    @Test
    void otherSchemesAreRefusedByName() {
        assertEquals("unsupported broker URL scheme 'http://' in 'http://h:80': expected tcp://host:port or"
                + " ssl://host:port",
                rejection(() -> BridgeOptions.fromUrl("http://h:80", "gw")));
        assertEquals("broker URL must look like tcp://host[:port]: 'localhost:1883'",
                rejection(() -> BridgeOptions.fromUrl("localhost:1883", "gw")));
        assertEquals("broker URL has no scheme: '//h:1883' (expected tcp://host:port)",
                rejection(() -> BridgeOptions.fromUrl("//h:1883", "gw")));
    }

    @Test
    void urlWithoutHostIsRefused() {
        assertTrue(rejection(() -> BridgeOptions.fromUrl("tcp://:1883", "gw")).startsWith("broker URL has no valid host"));
        assertEquals("broker URL must not be empty", rejection(() -> BridgeOptions.fromUrl(" ", "gw")));
    }

    @Test
    void urlWithPathQueryOrCredentialsIsRefused() {
        assertEquals("broker URL must not have a path: 'tcp://h:1/x'",
                rejection(() -> BridgeOptions.fromUrl("tcp://h:1/x", "gw")));
        assertEquals("broker URL must not have a query or fragment: 'tcp://h:1?a=b'",
                rejection(() -> BridgeOptions.fromUrl("tcp://h:1?a=b", "gw")));
        String credentials = rejection(() -> BridgeOptions.fromUrl("tcp://user:secret@h:1", "gw"));
        assertTrue(credentials.startsWith("broker URL must not carry credentials"), credentials);
        assertFalse(credentials.contains("secret"), "the message must not leak the password: " + credentials);
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertEquals("port must be 1..65535: 0", rejection(() -> BridgeOptions.of("h", 0, "gw")));
        assertEquals("port must be 1..65535: 65536", rejection(() -> BridgeOptions.of("h", 65536, "gw")));
    }

    @Test
    void emptyHostOrClientIdIsRefused() {
        assertEquals("host must not be empty", rejection(() -> BridgeOptions.of(" ", 1883, "gw")));
        assertEquals("clientId must not be empty", rejection(() -> BridgeOptions.of("h", 1883, "")));
    }

    @Test
    void passwordNeedsUsername() {
        assertTrue(rejection(() -> BridgeOptions.of("h", 1883, "gw").withCredentials(null, "pw"))
                .startsWith("password given without username"));
        assertEquals("u", BridgeOptions.of("h", 1883, "gw").withCredentials("u", "pw").username());
    }

    @Test
    void toStringHidesThePassword() {
        String text = BridgeOptions.of("h", 1883, "gw").withCredentials("u", "hunter2").toString();
        assertFalse(text.contains("hunter2"), text);
        assertTrue(text.contains("password=***"), text);
    }

    @Test
    void keepAliveMustFitMqttSeconds() {
        BridgeOptions o = BridgeOptions.of("h", 1883, "gw");
        assertEquals("keepAlive must be 1 s..65535 s: PT0.5S", rejection(() -> o.withKeepAlive(Duration.ofMillis(500))));
        assertEquals("keepAlive must be 1 s..65535 s: PT18H12M16S",
                rejection(() -> o.withKeepAlive(Duration.ofSeconds(65536))));
        assertEquals(2, o.withKeepAlive(Duration.ofMillis(1500)).keepAliveSeconds());
    }

    @Test
    void reconnectBoundsMustBeOrdered() {
        BridgeOptions o = BridgeOptions.of("h", 1883, "gw");
        assertEquals("reconnectMax (PT0.1S) must not be less than reconnectMin (PT1S)",
                rejection(() -> o.withReconnect(Duration.ofSeconds(1), Duration.ofMillis(100))));
        assertEquals("reconnectMin must be positive: PT0S", rejection(() -> o.withReconnect(Duration.ZERO,
                Duration.ofSeconds(1))));
    }

    @Test
    void connectTimeoutMustBePositive() {
        assertEquals("connectTimeout must be positive: PT-1S",
                rejection(() -> BridgeOptions.of("h", 1883, "gw").withConnectTimeout(Duration.ofSeconds(-1))));
    }

    @Test
    void maxInflightMustFitPacketIds() {
        BridgeOptions o = BridgeOptions.of("h", 1883, "gw");
        assertEquals("maxInflight must be 1..65535 (MQTT packet ids): 0", rejection(() -> o.withMaxInflight(0)));
        assertEquals("maxInflight must be 1..65535 (MQTT packet ids): 65536",
                rejection(() -> o.withMaxInflight(65536)));
    }
}
