package io.sngw.deploy;

import io.sngw.core.config.Budgets;
import io.sngw.core.linksec.LinkSecurity;
import io.sngw.transport.serial.Framing;
import io.sngw.transport.serial.SerialOptions;
import io.sngw.transport.serial.SerialPortSettings;
import io.sngw.transport.udp.DatagramIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static ConfigException fails(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml));
    }

    private static void assertMessage(String expected, String yaml) {
        assertEquals(expected, fails(yaml).getMessage());
    }

    // ---- defaults -------------------------------------------------------------------------------------------

    @Test
    void emptyTextCommentsAndEmptyFileAreTheDefaults() throws Exception {
        GatewayConfig d = GatewayConfig.defaults();
        assertEquals(d, ConfigLoader.parse(""));
        assertEquals(d, ConfigLoader.parse("# nothing configured\n\n"));
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
        assertEquals(d, ConfigLoader.load(empty));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        GatewayConfig d = GatewayConfig.defaults();
        assertEquals(1, d.gateway().id());
        assertTrue(d.udp().enabled());
        assertEquals("0.0.0.0", d.udp().bind());
        assertEquals(1884, d.udp().port());
        assertFalse(d.dtls().enabled());
        assertEquals("0.0.0.0", d.dtls().bind());
        assertEquals(8884, d.dtls().port());
        assertTrue(d.dtls().pskSuites());
        assertNull(d.dtls().certificate());
        assertEquals(Duration.ofSeconds(15), d.dtls().handshakeTimeout());
        assertEquals(32, d.dtls().maxHandshakes());
        assertEquals(10_000, d.dtls().maxPeers());
        assertEquals(Duration.ofHours(24), d.dtls().idleTimeout());
        assertNull(d.udp().broadcast());
        assertTrue(d.upstream().embedded());
        assertEquals("sngw-1", d.upstream().clientId());
        assertEquals("127.0.0.1", d.upstream().embeddedBind());
        assertEquals(1883, d.upstream().embeddedPort());
        assertEquals(Map.of(), d.predefinedTopics());
        assertEquals(Duration.ZERO, d.advertise().interval());
        assertEquals(100_000, d.limits().maxClients());
        assertEquals(1024, d.limits().maxPayload());
        assertEquals(Duration.ofSeconds(10), d.retry().interval());
        assertEquals(3, d.retry().max());
        assertEquals(1.5, d.keepAliveFactor());
        assertEquals(Level.INFO, d.logging().level());
        assertEquals(Level.WARNING, d.logging().brokerLevel());
        // and the core accepts them
        assertEquals(io.sngw.core.config.GatewayOptions.defaults(), d.toGatewayOptions());
    }

    @Test
    void emptySectionsTakeTheirDefaults() throws Exception {
        assertEquals(GatewayConfig.defaults(), ConfigLoader.parse("""
                gateway:
                udp: {}
                dtls:
                upstream:
                predefined-topics:
                advertise: {}
                limits:
                retry:
                logging:
                """));
    }

    // ---- a full file ----------------------------------------------------------------------------------------

    @Test
    void fullFileIsReadIntoEveryField() throws Exception {
        Path file = Files.writeString(dir.resolve("sngw.yaml"), """
                gateway: { id: 7, session-loops: 2 }
                udp: { bind: "::", port: 11884, broadcast: "[ff02::1]:11884", io: nio }
                upstream:
                  url: "tcp://broker.example:2883"
                  client-id: "edge-7"
                  username: "gw"
                  password: "0123"
                  keep-alive: 45s
                  connect-timeout: 1500ms
                  reconnect-min: 2s
                  reconnect-max: 5m
                  max-inflight: 200
                  embedded-bind: 0.0.0.0
                  embedded-port: 2883
                  clean-session: true
                predefined-topics:
                  1: "sensors/temp"
                  "2": sensors/humidity
                  65534: last
                advertise: { interval: 15m }
                limits:
                  max-clients: 500
                  max-payload: 512
                  max-inflight: 5
                  max-topics-per-client: 50
                  max-subscriptions-per-client: 20
                  max-buffered-per-client: 100
                retry: { interval: 500ms, max: 5 }
                keep-alive-factor: 2
                logging: { level: debug, broker-level: off }
                """);
        GatewayConfig c = ConfigLoader.load(file);

        assertEquals(new GatewayConfig.GatewaySettings(7, 2), c.gateway());
        assertEquals(new GatewayConfig.UdpSettings(true, "::", 11884, "[ff02::1]:11884", LinkSecurity.NONE, DatagramIo.NIO), c.udp());
        assertEquals(new GatewayConfig.UpstreamSettings("tcp://broker.example:2883", "edge-7", "gw", "0123",
                Duration.ofSeconds(45), Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofMinutes(5), 200,
                "0.0.0.0", 2883, true, null, GatewayConfig.TlsSettings.DEFAULT, "sngw/7/status", null),
                c.upstream());
        assertFalse(c.upstream().embedded());
        assertEquals(Map.of(1, "sensors/temp", 2, "sensors/humidity", 65534, "last"), c.predefinedTopics());
        assertEquals(Duration.ofMinutes(15), c.advertise().interval());
        assertEquals(new GatewayConfig.LimitsSettings(500, 512, 5, 50, 20, 100, Budgets.defaults()), c.limits());
        assertEquals(new GatewayConfig.RetrySettings(Duration.ofMillis(500), 5), c.retry());
        assertEquals(2.0, c.keepAliveFactor());
        assertEquals(new GatewayConfig.LoggingSettings(Level.FINE, Level.OFF), c.logging());

        var o = c.toGatewayOptions();
        assertEquals(7, o.gatewayId());
        assertEquals(c.predefinedTopics(), o.predefinedTopics());
        assertEquals(Duration.ofMinutes(15), o.advertiseInterval());
        assertEquals(500, o.maxClients());
        assertEquals(512, o.maxPayload());
        assertEquals(5, o.maxInflight());
        assertEquals(50, o.maxTopicsPerClient());
        assertEquals(20, o.maxSubscriptionsPerClient());
        assertEquals(100, o.maxBufferedPerClient());
        assertEquals(Duration.ofMillis(500), o.retryInterval());
        assertEquals(5, o.maxRetries());
        assertEquals(2.0, o.keepAliveFactor());
        assertEquals(2, o.sessionLoops());
    }

    @Test
    void issueExampleIsValid() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                gateway: { id: 1 }
                udp: { bind: "0.0.0.0", port: 1884, broadcast: null }
                upstream: { url: "tcp://127.0.0.1:1883", client-id: "sngw-1" }
                predefined-topics: { 1: "sensors/temp", 2: "sensors/humidity" }
                advertise: { interval: 0s }
                limits: { max-clients: 100000, max-payload: 1024 }
                """);
        assertEquals("tcp://127.0.0.1:1883", c.upstream().url());
        assertEquals(2, c.predefinedTopics().size());
    }

    @Test
    void bridgeSessionIsPersistentExactlyWhenTheStoreIsDurableUnlessGiven() throws Exception {
        assertFalse(ConfigLoader.parse("store: { dir: /tmp/sngw-config-test }").upstreamCleanSession());
        assertTrue(ConfigLoader.parse("store: { dir: none }").upstreamCleanSession());
        assertTrue(ConfigLoader.parse("upstream: { clean-session: true }").upstreamCleanSession());
        assertFalse(ConfigLoader.parse("store: { dir: none }\nupstream: { clean-session: false }")
                .upstreamCleanSession());
    }

    @Test
    void cleanSessionMustBeABoolean() {
        assertMessage("upstream.clean-session: \"sometimes\" is not valid: expected true or false",
                "upstream: { clean-session: sometimes }");
    }

    @Test
    void clientIdFollowsGatewayIdUnlessGiven() throws Exception {
        assertEquals("sngw-9", ConfigLoader.parse("gateway: { id: 9 }").upstream().clientId());
        assertEquals("x", ConfigLoader.parse("gateway: { id: 9 }\nupstream: { client-id: x }").upstream().clientId());
    }

    @Test
    void portZeroMeansAnyFreePort() throws Exception {
        GatewayConfig c = ConfigLoader.parse("udp: { port: 0 }\nupstream: { embedded-port: 0 }");
        assertEquals(0, c.udp().port());
        assertEquals(0, c.upstream().embeddedPort());
    }

    @Test
    void passwordIsNotInToString() throws Exception {
        GatewayConfig c = ConfigLoader.parse("upstream: { username: u, password: secret-pw }");
        assertFalse(c.toString().contains("secret-pw"), c.toString());
    }

    // ---- dtls -----------------------------------------------------------------------------------------------

    private Path pem(String name) throws Exception {
        return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    }

    @Test
    void dtlsSectionIsReadIntoEveryField() throws Exception {
        Path cert = pem("gw.pem");
        Path key = pem("gw-key.pem");
        Path ca = pem("ca.pem");
        GatewayConfig c = ConfigLoader.parse("""
                udp: { enabled: false }
                dtls:
                  enabled: true
                  bind: "::"
                  port: 18884
                  psk-suites: false
                  certificate: "%s"
                  private-key: "%s"
                  client-ca: "%s"
                  handshake-timeout: 20s
                  max-handshakes: 8
                  max-peers: 500
                  idle-timeout: 2d
                """.formatted(cert, key, ca));

        assertFalse(c.udp().enabled());
        assertEquals(new GatewayConfig.DtlsSettings(true, "::", 18884, false, cert, key, ca, Duration.ofSeconds(20),
                8, 500, Duration.ofDays(2)), c.dtls());
    }

    @Test
    void dtlsKeysAreCheckedLikeAllOthers() throws Exception {
        Path cert = pem("gw.pem");
        assertMessage("dtls.prot: unknown key; expected one of: enabled, bind, port, psk-suites, certificate, "
                + "private-key, client-ca, handshake-timeout, max-handshakes, max-peers, idle-timeout",
                "dtls: { prot: 1 }");
        assertMessage("dtls.enabled: \"yes\" is not valid: expected true or false", "dtls: { enabled: \"yes\" }");
        assertMessage("dtls.port: 70000 is not valid: expected an integer 0..65535", "dtls: { port: 70000 }");
        assertMessage("dtls.max-peers: 0 is not valid: expected an integer 1..1000000", "dtls: { max-peers: 0 }");
        assertMessage("dtls.max-handshakes: 2000 is not valid: expected an integer 1..1024",
                "dtls: { max-handshakes: 2000 }");
        assertTrue(fails("dtls: { idle-timeout: 500ms }").getMessage().startsWith(
                "dtls.idle-timeout: \"500ms\" is not valid: expected a duration such as"));
        assertTrue(fails("dtls: { handshake-timeout: 1h }").getMessage().startsWith(
                "dtls.handshake-timeout: \"1h\" is not valid"));
        assertMessage("dtls.certificate: \"relative.pem\" is not valid: expected null or the absolute path of a "
                + "readable file", "dtls: { certificate: relative.pem }");
        assertMessage("dtls.certificate: \"" + dir.resolve("none.pem") + "\" is not valid: expected null or the "
                + "absolute path of a readable file; there is no readable file there",
                "dtls: { certificate: \"" + dir.resolve("none.pem") + "\" }");
        assertMessage("dtls.private-key: is missing: dtls.certificate needs the certificate's private key",
                "dtls: { certificate: \"" + cert + "\" }");
        assertMessage("dtls.certificate: is missing: dtls.private-key needs the certificate it belongs to",
                "dtls: { private-key: \"" + cert + "\" }");
        assertMessage("dtls.client-ca: needs dtls.certificate and dtls.private-key: client certificates are asked "
                + "for on the certificate suites only", "dtls: { client-ca: \"" + cert + "\" }");
        assertMessage("dtls.psk-suites: false is not valid: expected true, or a dtls.certificate: otherwise DTLS "
                + "offers no cipher suite", "dtls: { psk-suites: false }");
    }

    @Test
    void theGatewayNeedsAListenerAndTwoListenersNeedTwoPorts() throws Exception {
        assertMessage("udp.enabled: false is not valid: expected true while DTLS is off (dtls.enabled) and no serial "
                + "port is configured: the gateway needs a link", "udp: { enabled: false }");
        assertMessage("dtls.port: 1884 is not valid: expected a port other than udp.port (1884): plain UDP listens "
                + "there", "dtls: { enabled: true, port: 1884 }");
        assertMessage("dtls.port: 1884 is not valid: expected a port other than udp.port (1884): plain UDP listens "
                + "there", "udp: { bind: 127.0.0.1 }\ndtls: { enabled: true, port: 1884 }");
        // Different addresses, or one listener off: no clash.
        assertEquals(1884, ConfigLoader.parse("udp: { bind: 127.0.0.1 }\ndtls: { enabled: true, bind: 127.0.0.2, "
                + "port: 1884 }").dtls().port());
        assertEquals(1884, ConfigLoader.parse("udp: { enabled: false }\ndtls: { enabled: true, port: 1884 }")
                .dtls().port());
        assertEquals(0, ConfigLoader.parse("udp: { port: 0 }\ndtls: { enabled: true, port: 0 }").dtls().port());
    }

    // ---- unknown keys ---------------------------------------------------------------------------------------

    @Test
    void unknownKeyInASectionNamesItAndTheKnownOnes() {
        assertMessage("udp.prot: unknown key; expected one of: enabled, bind, port, broadcast, io, link-security", "udp: { prot: 1884 }");
    }

    @Test
    void unknownTopLevelKey() {
        ConfigException e = fails("gatway: { id: 1 }");
        assertEquals("gatway", e.path());
        assertEquals("gatway: unknown key; expected one of: gateway, udp, dtls, upstream, predefined-topics, advertise,"
                + " limits, retry, keep-alive-factor, logging, " + String.join(", ", later(ConfigLoader.ROOT_KEYS)),
                e.getMessage());
    }

    @Test
    void unknownKeyDeeperDown() {
        assertTrue(fails("upstream: { user: x }").getMessage().startsWith(
                "upstream.user: unknown key; expected one of: url, client-id, username, password,"));
        assertTrue(fails("limits: { max-client: 5 }").getMessage().startsWith("limits.max-client: unknown key;"));
    }

    // ---- wrong types ----------------------------------------------------------------------------------------

    @Test
    void stringWhereAnIntegerBelongs() {
        assertMessage("udp.port: \"abc\" is not valid: expected an integer 0..65535", "udp: { port: abc }");
    }

    @Test
    void fractionWhereAnIntegerBelongs() {
        assertMessage("limits.max-clients: 1.5 is not valid: expected an integer 1..10000000",
                "limits: { max-clients: 1.5 }");
    }

    @Test
    void scalarWhereASectionBelongs() {
        assertMessage("gateway: 5 is not valid: expected a mapping with the keys id, session-loops", "gateway: 5");
    }

    @Test
    void listAtTheTopLevel() {
        assertMessage("(top level): a list is not valid: expected a mapping with the keys gateway, udp, dtls, upstream,"
                + " predefined-topics, advertise, limits, retry, keep-alive-factor, logging, "
                + String.join(", ", later(ConfigLoader.ROOT_KEYS)), "- a\n- b\n");
    }

    /** The top-level keys after logging: sections added as features land, listed in the order the loader keeps. */
    private static java.util.List<String> later(java.util.List<String> keys) {
        return keys.subList(keys.indexOf("logging") + 1, keys.size());
    }

    @Test
    void numberWhereAStringBelongsIsRefusedNotConverted() {
        // YAML reads 0123 as the octal number 83: converting it back would change the user name.
        assertMessage("upstream.username: 83 is not valid: expected null or a non-empty string (quote values that"
                + " look like numbers or booleans)", "upstream: { username: 0123 }");
    }

    @Test
    void aPasswordIsNeverEchoedNotEvenAsYamlConvertedIt() {
        // 0123 arrives as 83, 0x1F as 31: either would still give the password away.
        assertMessage("upstream.password: a number (the value is not shown: a secret) is not valid: expected null or"
                + " a non-empty string (quote values that look like numbers or booleans)",
                "upstream: { username: u, password: 0123 }");
        for (String password : new String[]{"0x1F", "yes", "2026-12-07", "[hunter2]", "{ hunter2: 1 }"}) {
            String message = fails("upstream: { username: u, password: " + password + " }").getMessage();
            for (String revealing : new String[]{"31", "true", "2026", "hunter2"}) {
                assertFalse(message.contains(revealing), message);
            }
        }
    }

    @Test
    void nullWhereAValueIsRequired() {
        assertMessage("udp.port: null is not valid: expected an integer 0..65535", "udp: { port: }");
    }

    @Test
    void bindMustBeAnIpAddress() {
        assertMessage("udp.bind: \"my-host\" is not valid: expected an IP address such as 0.0.0.0, 127.0.0.1 or ::",
                "udp: { bind: my-host }");
        assertMessage("udp.bind: \"300.1.1.1\" is not valid: expected an IP address such as 0.0.0.0, 127.0.0.1 or ::",
                "udp: { bind: 300.1.1.1 }");
    }

    // ---- out of range ---------------------------------------------------------------------------------------

    @Test
    void portOutOfRange() {
        ConfigException e = fails("udp: { port: 70000 }");
        assertEquals("udp.port", e.path());
        assertEquals("udp.port: 70000 is not valid: expected an integer 0..65535", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "gateway: { id: 256 }                | gateway.id: 256 is not valid: expected an integer 0..255",
            "gateway: { id: -1 }                 | gateway.id: -1 is not valid: expected an integer 0..255",
            "limits: { max-payload: 0 }          | limits.max-payload: 0 is not valid: expected an integer 1..65528",
            "limits: { max-payload: 65529 }      | limits.max-payload: 65529 is not valid: expected an integer 1..65528",
            "limits: { max-inflight: 70000 }     | limits.max-inflight: 70000 is not valid: expected an integer 1..65535",
            "limits: { max-topics-per-client: 65535 } | limits.max-topics-per-client: 65535 is not valid: expected an integer 1..65534",
            "retry: { max: -1 }                  | retry.max: -1 is not valid: expected an integer 0..100",
            "upstream: { embedded-port: 65536 }  | upstream.embedded-port: 65536 is not valid: expected an integer 0..65535",
            "upstream: { max-inflight: 0 }       | upstream.max-inflight: 0 is not valid: expected an integer 1..65535",
            "udp: { port: 99999999999999999999 } | udp.port: 99999999999999999999 is not valid: expected an integer 0..65535",
            "keep-alive-factor: 0.5              | keep-alive-factor: 0.5 is not valid: expected a number 1.0..10.0",
    })
    void valuesOutOfRange(String yaml, String message) {
        assertMessage(message, yaml);
    }

    // ---- durations ------------------------------------------------------------------------------------------

    @Test
    void badDurationSyntax() {
        assertMessage("advertise.interval: \"10x\" is not valid: expected a duration such as 500ms, 10s, 15m, 2h or"
                + " 1d, 0s..65535s in whole seconds (0s turns ADVERTISE off)", "advertise: { interval: 10x }");
    }

    @Test
    void bareNumberIsNotADurationExceptZero() throws Exception {
        ConfigException e = fails("retry: { interval: 10 }");
        assertEquals("retry.interval: 10 is not valid: expected a duration such as 500ms, 10s, 15m, 2h or 1d,"
                + " 1ms..1h", e.getMessage());
        assertEquals(Duration.ZERO, ConfigLoader.parse("advertise: { interval: 0 }").advertise().interval());
    }

    @Test
    void udpIoIsAutoByDefaultAndOnlyAutoEpollOrNio() throws Exception {
        assertEquals(DatagramIo.AUTO, GatewayConfig.defaults().udp().io());
        assertEquals(DatagramIo.NIO, ConfigLoader.parse("udp: { io: nio }").udp().io());
        assertMessage("udp.io: \"uring\" is not valid: expected one of auto, epoll, nio", "udp: { io: uring }");
    }

    @Test
    void zeroRetryIntervalIsRefused() {
        assertTrue(fails("retry: { interval: 0s }").getMessage()
                .startsWith("retry.interval: \"0s\" is not valid: expected a duration"));
    }

    @Test
    void advertiseIntervalMustFitItsSixteenBitSecondsField() {
        assertTrue(fails("advertise: { interval: 1500ms }").getMessage().contains("in whole seconds"));
        assertTrue(fails("advertise: { interval: 19h }").getMessage().startsWith("advertise.interval: \"19h\""));
    }

    @Test
    void gwInfoBroadcastIsASwitchThatReachesTheCore() throws ConfigException {
        assertTrue(ConfigLoader.parse("advertise: { gwinfo-broadcast: true }").toGatewayOptions().broadcastGwInfo());
        assertMessage("advertise.gwinfo-broadcast: \"yes please\" is not valid: expected true or false",
                "advertise: { gwinfo-broadcast: yes please }");
    }

    @Test
    void reconnectMaxBelowMin() {
        assertMessage("upstream.reconnect-max: \"1s\" is not valid: expected a duration at least upstream.reconnect-min"
                + " (5s)", "upstream: { reconnect-min: 5s, reconnect-max: 1s }");
    }

    @Test
    void upstreamKeepAliveOfZeroIsRefused() {
        assertTrue(fails("upstream: { keep-alive: 0s }").getMessage()
                .startsWith("upstream.keep-alive: \"0s\" is not valid: expected a duration"));
    }

    // ---- upstream url ---------------------------------------------------------------------------------------

    @Test
    void badUrlScheme() {
        assertMessage("upstream.url: \"http://broker:1883\" is not valid: expected \"embedded\" or a broker URL"
                + " tcp://HOST[:PORT] or ssl://HOST[:PORT]; found unsupported scheme \"http\"",
                "upstream: { url: \"http://broker:1883\" }");
    }

    @Test
    void urlMustBeAString() {
        assertMessage("upstream.url: 1883 is not valid: expected \"embedded\" or a broker URL tcp://HOST[:PORT] or"
                + " ssl://HOST[:PORT]", "upstream: { url: 1883 }");
    }

    @Test
    void tlsUrlIsTlsVerifiedAgainstTheSystemTrustStore() throws Exception {
        GatewayConfig c = ConfigLoader.parse("upstream: { url: \"ssl://broker:8883\" }");
        assertEquals(GatewayConfig.TlsSettings.DEFAULT, c.upstream().tls());
        var options = BridgeAssembly.options(c);
        assertEquals(io.sngw.bridge.mqtt.TlsOptions.systemTrust(), options.tls());
        assertEquals(8883, options.port());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "broker:1883                  | unsupported scheme \"broker\"",
            "tcp://                       | not a URL: Expected authority",
            "tcp://u:p@broker:1883        | credentials in the URL",
            "tcp://broker:1883/topic      | a path or query",
            "tcp://broker:70000           | port out of range",
    })
    void badUrls(String url, String reason) {
        String message = fails("upstream: { url: \"" + url + "\" }").getMessage();
        assertTrue(message.startsWith("upstream.url: \"" + BrokerUrl.redacted(url) + "\" is not valid: expected"),
                message);
        assertFalse(message.contains("u:p"), "credentials in a URL are never shown: " + message);
        assertTrue(message.endsWith("found " + reason), message);
    }

    @Test
    void goodUrls() throws Exception {
        assertEquals(new BrokerUrl("broker", 1883, false), BrokerUrl.parse("tcp://broker"));
        assertEquals(new BrokerUrl("::1", 2883, false), BrokerUrl.parse("tcp://[::1]:2883"));
        assertEquals(new BrokerUrl("10.0.0.1", 1883, false), BrokerUrl.parse("mqtt://10.0.0.1/"));
        assertEquals("tcp://[::1]:2883", BrokerUrl.parse("tcp://[::1]:2883").toString());
        assertTrue(ConfigLoader.parse("upstream: { url: embedded }").upstream().embedded());
    }

    @Test
    void passwordWithoutUsername() {
        assertMessage("upstream.password: is given without upstream.username: expected both (MQTT 3.1.1 sends a"
                + " password only with a user name)", "upstream: { password: pw }");
    }

    // ---- predefined topics ----------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0: a             | predefined-topics.0: 0 is not valid: expected a topic id, an integer 1..65534",
            "65535: a         | predefined-topics.65535: 65535 is not valid: expected a topic id, an integer 1..65534",
            "abc: a           | predefined-topics.abc: \"abc\" is not valid: expected a topic id, an integer 1..65534",
            "'70000': a       | predefined-topics.70000: 70000 is not valid: expected a topic id, an integer 1..65534",
            "1: sensors/+     | predefined-topics.1: \"sensors/+\" is not valid: expected a topic name: a non-empty string without the wildcards + and #",
            "1: '#'           | predefined-topics.1: \"#\" is not valid: expected a topic name: a non-empty string without the wildcards + and #",
            "1: ''            | predefined-topics.1: \"\" is not valid: expected a topic name: a non-empty string without the wildcards + and #",
            "1: 42            | predefined-topics.1: 42 is not valid: expected a topic name: a non-empty string without the wildcards + and #",
    })
    void badPredefinedTopics(String entry, String message) {
        assertMessage(message, "predefined-topics: { " + entry + " }");
    }

    @Test
    void sameTopicNameUnderTwoIds() {
        assertMessage("predefined-topics.2: \"a/b\" is not valid: expected a topic name not already given to topic"
                + " id 1", "predefined-topics: { 1: a/b, 2: a/b }");
    }

    @Test
    void sameIdWrittenAsNumberAndString() {
        assertMessage("predefined-topics.1: \"1\" is not valid: expected a topic id given once (1 appears twice)",
                "predefined-topics:\n  1: a\n  \"1\": b\n");
    }

    @Test
    void predefinedTopicsMustBeAMapping() {
        assertMessage("predefined-topics: a list is not valid: expected a mapping of topic id (1..65534) to topic name",
                "predefined-topics: [a, b]");
    }

    // ---- broadcast, logging ---------------------------------------------------------------------------------

    @Test
    void broadcastAddress() throws Exception {
        assertEquals("255.255.255.255:1884",
                ConfigLoader.parse("udp: { broadcast: \"255.255.255.255:1884\" }").udp().broadcast());
        String expected = " is not valid: expected null or \"ADDRESS:PORT\" such as \"255.255.255.255:1884\" or"
                + " \"[ff02::1]:1884\"";
        assertMessage("udp.broadcast: \"255.255.255.255\"" + expected, "udp: { broadcast: 255.255.255.255 }");
        assertMessage("udp.broadcast: \"ff02::1:1884\"" + expected, "udp: { broadcast: \"ff02::1:1884\" }");
        assertMessage("udp.broadcast: \"10.0.0.255:0\"" + expected, "udp: { broadcast: \"10.0.0.255:0\" }");
    }

    @Test
    void logLevels() throws Exception {
        assertEquals(Level.WARNING, ConfigLoader.parse("logging: { level: WARN }").logging().level());
        assertEquals(Level.OFF, ConfigLoader.parse("logging: { level: off }").logging().level());
        assertEquals(Level.FINEST, ConfigLoader.parse("logging: { level: trace }").logging().level());
        assertMessage("logging.level: \"verbose\" is not valid: expected one of off, error, warning, info, debug,"
                + " trace, all", "logging: { level: verbose }");
    }

    @Test
    void storeDefaultsToTheServiceDirectoryWithAckAfterStore() throws Exception {
        GatewayConfig.StoreSettings store = ConfigLoader.parse("").store();
        assertNull(store.dir());
        assertTrue(store.ackAfterStore());
        assertFalse(store.failOnCorrupt());
        assertEquals(1_000_000, store.queueMaxMessages());
        assertEquals(512L << 20, store.queueMaxBytes());
        assertEquals(Duration.ofDays(7), store.queueMaxAge());
    }

    @Test
    void storeKeysAreRead() throws Exception {
        GatewayConfig.StoreSettings store = ConfigLoader.parse("store: { dir: /data/sngw, ack: after-broker,"
                + " on-corrupt: fail, queue-max-messages: 5000, queue-max-size: 64MB, queue-max-age: 2h,"
                + " queue-window: 50, qos0-offline: 0 }").store();
        assertEquals(new GatewayConfig.StoreSettings("/data/sngw", false, true, 5000, 64L << 20, Duration.ofHours(2),
                50, 0), store);
    }

    @Test
    void storeDirNoneKeepsEverythingInMemory() throws Exception {
        assertTrue(ConfigLoader.parse("store: { dir: none }").store().inMemory());
    }

    @Test
    void storeDirMustBeAbsolute() {
        assertMessage("store.dir: \"data\" is not valid: expected an absolute path (or ~/...), or \"none\" to keep"
                + " everything in memory", "store: { dir: data }");
    }

    @Test
    void globalBudgetsAndIdleExpiryAreRead() throws Exception {
        GatewayConfig c = ConfigLoader.parse("limits: { idle-expiry: 2h, max-registrations: 5000, max-subscriptions: 600,"
                + " max-kept-messages: 70, source-rate: 300 }");
        assertEquals(new Budgets(Duration.ofHours(2), 5000, 600, 70, 300), c.limits().budgets());
        assertEquals(c.limits().budgets(), c.toGatewayOptions().budgets());
        assertMessage("limits.max-kept-messages: -1 is not valid: expected an integer 0..1000000000",
                "limits: { max-kept-messages: -1 }");
    }

    @Test
    void storeDirThatIsAFileIsRefusedAtLoad() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertMessage("store.dir: \"" + file + "\" is not valid: expected a directory the gateway may own; found a"
                + " file, not a directory", "store: { dir: \"" + file + "\" }");
        assertMessage("store.dir: \"" + file + "/sub\" is not valid: expected a directory the gateway may own; found "
                + file + " is a file, not a directory", "store: { dir: \"" + file + "/sub\" }");
    }

    @Test
    void storeDirUnderProcOrWithDotDotIsRefused() {
        assertMessage("store.dir: \"/proc/self/sngw\" is not valid: expected a directory the gateway may own; found a"
                + " path under /proc", "store: { dir: /proc/self/sngw }");
        assertMessage("store.dir: \"/var/lib/sngw/../../etc\" is not valid: expected a directory the gateway may own;"
                + " found a '..' component (write the path it means)", "store: { dir: /var/lib/sngw/../../etc }");
    }

    @Test
    void upstreamClientIdFollowsTheIdRulesAndAHugeOneIsNotEchoedWhole() {
        assertMessage("upstream.client-id: \"a\\nb\" is not valid: expected a client id of 1 to 128 bytes of UTF-8,"
                + " without control characters, '/', '+' or '#'; found a control character at position 2",
                "upstream: { client-id: \"a\\nb\" }");
        String huge = "x".repeat(1 << 19); // half a megabyte: SnakeYAML refuses documents over 1M code points itself
        String message = fails("upstream: { client-id: " + huge + " }").getMessage();
        assertTrue(message.endsWith("found 524288 bytes"), message);
        assertTrue(message.length() < 600, "the value is cut in the message: " + message.length() + " chars");
    }

    @Test
    void dtlsPskSuitesNeedAStore() {
        assertMessage("dtls.psk-suites: true is not valid: expected false while store.dir is none: PSKs come from the"
                + " device registry, which lives in the store (certificate suites only)",
                "store: { dir: none }\ndtls: { enabled: true }");
    }

    @Test
    void storeAckIsOneOfThreeModes() {
        assertMessage("store.ack: \"always\" is not valid: expected one of first-witness, after-store, after-broker",
                "store: { ack: always }");
    }

    @Test
    void storeWriteDelayAndMaxLagAreReadAndAfterStoreWritesAtOnce() throws Exception {
        GatewayConfig.StoreSettings store = ConfigLoader.parse("store: { write-delay: 50ms, max-lag: 2s }").store();
        assertEquals(Duration.ofMillis(50), store.outboundOptions().writeDelay());
        assertEquals(Duration.ofSeconds(2), store.outboundOptions().maxLag());
        assertEquals(Duration.ZERO, ConfigLoader.parse("store: { ack: after-store, write-delay: 50ms }").store()
                .writeDelay());
    }

    @Test
    void upstreamQos0MaxAgeIsReadWithADefaultOf100ms() throws Exception {
        assertEquals(Duration.ofMillis(100), ConfigLoader.parse("udp: { port: 1884 }").upstream().qos0MaxAge());
        assertEquals(Duration.ofSeconds(2), ConfigLoader.parse("upstream: { qos0-max-age: 2s }").upstream().qos0MaxAge());
    }

    @Test
    void storeMaxLagMustBePositive() {
        assertMessage("store.max-lag: \"0s\" is not valid: expected a duration such as 500ms, 10s, 15m, 2h or 1d,"
                + " 1ms..1h", "store: { max-lag: 0s }");
    }

    @Test
    void queueSizeNeedsAKnownUnit() {
        assertMessage("store.queue-max-size: \"5 parsecs\" is not valid: expected a size 1024..1099511627776 bytes:"
                + " an integer, or a number with B, KB, MB or GB such as \"512MB\"", "store: { queue-max-size: 5 parsecs }");
    }

    @Test
    void requireAuthNeedsAStore() {
        assertMessage("security.require-auth: true is not valid: expected false while store.dir is none: the device"
                + " registry lives in the store", "store: { dir: none }\nsecurity: { require-auth: true }");
    }

    // ---- the file itself ------------------------------------------------------------------------------------

    @Test
    void yamlSyntaxErrorNamesLineAndColumn() {
        String message = fails("udp:\n  port: 1884\n bind: [\n").getMessage();
        assertTrue(message.startsWith("not valid YAML at line "), message);
    }

    @Test
    void duplicateKeyIsAnError() {
        String message = fails("udp: { port: 1 }\nudp: { port: 2 }\n").getMessage();
        assertTrue(message.startsWith("not valid YAML at line 2, column 1:"), message);
        assertTrue(message.contains("duplicate key udp"), message);
    }

    @Test
    void javaTagsAreNotInstantiated() {
        String message = fails("gateway: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]")
                .getMessage();
        assertTrue(message.startsWith("not valid YAML at line 1"), message);
        // SnakeYAML 2 refuses global tags while parsing; the safe constructor would refuse them too.
        assertTrue(message.contains("Global tag is not allowed"), message);
    }

    @Test
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")));
        assertEquals("cannot read " + dir.resolve("nope.yaml") + ": no such file", e.getMessage());
    }

    // ---- serial ports ---------------------------------------------------------------------------------------

    @Test
    void noSerialPortsByDefault() throws Exception {
        assertEquals(List.of(), ConfigLoader.parse("").serial());
    }

    @Test
    void issueSerialExampleIsReadWithDefaultsForWhatItLeavesOut() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                serial:
                  - device: /dev/ttyUSB0
                    baud: 115200
                    framing: raw
                    flow-control: none
                  - device: /dev/ttyAMA0
                    baud: 38400
                    framing: xbee-api2
                """);
        assertEquals(2, c.serial().size());
        SerialOptions first = c.serial().get(0);
        assertEquals("/dev/ttyUSB0", first.port().device());
        assertEquals(115200, first.port().baud());
        assertEquals(new Framing.Raw(), first.framing());
        assertEquals(8, first.port().dataBits());
        assertEquals(SerialPortSettings.Parity.NONE, first.port().parity());
        assertEquals(1, first.port().stopBits());
        assertEquals(SerialPortSettings.FlowControl.NONE, first.port().flowControl());
        assertEquals(Duration.ofMillis(100), first.port().interByteTimeout());
        assertEquals(256, first.writeQueue());
        assertEquals(1024 + 64, first.maxFrame(), "follows limits.max-payload");
        SerialOptions second = c.serial().get(1);
        assertEquals(new Framing.XBee(true), second.framing());
        assertEquals(84, second.radioPayload());
    }

    @Test
    void everySerialKeyIsRead() throws Exception {
        SerialOptions o = ConfigLoader.parse("""
                serial:
                  - { device: /dev/serial/by-id/usb-FTDI-if00, baud: 9600, framing: xbee-api1, flow-control: rts-cts,
                      data-bits: 7, parity: even, stop-bits: 2, inter-byte-timeout: 300ms, write-queue: 16,
                      radio-payload: 73, reopen-min: 1s, reopen-max: 1m }
                """).serial().get(0);
        assertEquals(new SerialOptions(new SerialPortSettings("/dev/serial/by-id/usb-FTDI-if00", 9600, 7,
                SerialPortSettings.Parity.EVEN, 2, SerialPortSettings.FlowControl.RTS_CTS, Duration.ofMillis(300),
                Duration.ofSeconds(1), Duration.ofMinutes(1)), new Framing.XBee(false), 1088, 16, 73), o);
    }

    @Test
    void linkSecurityIsNoneOnUdpAndOptionalOnSerialByDefaultAndReadWhereGiven() throws Exception {
        GatewayConfig defaults = ConfigLoader.parse("serial: [ { device: /dev/ttyS0 } ]");
        assertEquals(LinkSecurity.NONE, defaults.udp().linkSecurity());
        assertEquals(LinkSecurity.OPTIONAL, defaults.serial().get(0).security());
        assertFalse(defaults.security().pairingWithoutInstallCode());
        GatewayConfig given = ConfigLoader.parse("""
                udp: { link-security: required }
                serial: [ { device: /dev/ttyS0, link-security: none } ]
                pairing: { allow-without-install-code: true }
                """);
        assertEquals(LinkSecurity.REQUIRED, given.udp().linkSecurity());
        assertEquals(LinkSecurity.NONE, given.serial().get(0).security());
        assertTrue(given.security().pairingWithoutInstallCode());
    }

    @Test
    void aLinkSecurityOutsideTheThreeIsRefusedNamingKeyValueAndChoices() {
        assertMessage("udp.link-security: \"aes\" is not valid: expected one of none, optional, required",
                "udp: { link-security: aes }");
        assertMessage("serial[0].link-security: \"on\" is not valid: expected one of none, optional, required",
                "serial: [ { device: /dev/ttyS0, link-security: \"on\" } ]");
        assertMessage("pairing.allow-without-install-code: \"yes please\" is not valid: expected true or false",
                "pairing: { allow-without-install-code: yes please }");
    }

    @Test
    void aSerialOnlyGatewayNeedsNoUdp() throws Exception {
        assertEquals(1, ConfigLoader.parse("udp: { enabled: false }\nserial: [ { device: /dev/ttyS0 } ]")
                .serial().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "serial: /dev/ttyUSB0 | serial: \"/dev/ttyUSB0\" is not valid: expected a list of serial ports, each a mapping with the keys device, baud, framing, flow-control, data-bits, parity, stop-bits, inter-byte-timeout, write-queue, radio-payload, reopen-min, reopen-max, link-security",
            "serial: [ { baud: 9600 } ] | serial[0].device: is missing: expected the device path of the port, such as /dev/ttyUSB0 or /dev/serial/by-id/...",
            "serial: [ { device: ttyUSB0 } ] | serial[0].device: \"ttyUSB0\" is not valid: expected an absolute device path such as /dev/ttyUSB0 or /dev/serial/by-id/...",
            "serial: [ { device: /dev/a }, { device: /dev/a } ] | serial[1].device: \"/dev/a\" is not valid: expected a device not already given in serial[0]",
            "serial: [ { device: /dev/a, framing: xbee } ] | serial[0].framing: \"xbee\" is not valid: expected one of raw, xbee-api1, xbee-api2",
            "serial: [ { device: /dev/a, baud: 0 } ] | serial[0].baud: 0 is not valid: expected an integer 50..4000000",
            "serial: [ { device: /dev/a, flow-control: xon-xoff } ] | serial[0].flow-control: \"xon-xoff\" is not valid: expected one of none, rts-cts",
            "serial: [ { device: /dev/a, parity: mark } ] | serial[0].parity: \"mark\" is not valid: expected one of none, odd, even",
            "serial: [ { device: /dev/a, stop-bits: 3 } ] | serial[0].stop-bits: 3 is not valid: expected an integer 1..2",
            "serial: [ { device: /dev/a, data-bits: 9 } ] | serial[0].data-bits: 9 is not valid: expected an integer 5..8",
            "serial: [ { device: /dev/a, write-queue: 0 } ] | serial[0].write-queue: 0 is not valid: expected an integer 1..65536",
            "serial: [ { device: /dev/a, radio-payload: 0 } ] | serial[0].radio-payload: 0 is not valid: expected an integer 1..65521",
            "serial: [ { device: /dev/a, inter-byte-timeout: 10ms } ] | serial[0].inter-byte-timeout: \"10ms\" is not valid: expected a duration such as 500ms, 10s, 15m, 2h or 1d, 100ms..10s (counted in tenths of a second)",
            "serial: [ { device: /dev/a, reopen-min: 2s, reopen-max: 1s } ] | serial[0].reopen-max: \"1s\" is not valid: expected a duration at least reopen-min (2s)",
            "serial: [ { device: /dev/a, speed: 9600 } ] | serial[0].speed: unknown key; expected one of: device, baud, framing, flow-control, data-bits, parity, stop-bits, inter-byte-timeout, write-queue, radio-payload, reopen-min, reopen-max, link-security",
            "serial: [ null ] | serial[0]: null is not valid: expected a mapping with the keys device, baud, framing, flow-control, data-bits, parity, stop-bits, inter-byte-timeout, write-queue, radio-payload, reopen-min, reopen-max, link-security",
    })
    void serialKeysAreCheckedLikeAllOthers(String yaml, String message) {
        assertMessage(message, yaml);
    }

    // ---- http ------------------------------------------------------------------------------------------------

    @Test
    void httpIsOnLocalhost9884ByDefaultWithAMinuteBeforeHealthFails() {
        GatewayConfig.HttpSettings http = GatewayConfig.defaults().http();
        assertTrue(http.enabled());
        assertEquals("127.0.0.1", http.bind());
        assertEquals(9884, http.port());
        assertEquals(java.time.Duration.ofSeconds(60), http.upstreamDownAfter());
    }

    @Test
    void httpKeysAreReadIntoTheirFields() throws Exception {
        GatewayConfig.HttpSettings http = ConfigLoader.parse(
                "http: { enabled: false, bind: \"0.0.0.0\", port: 0, health: { upstream-down-after: 5m } }").http();
        assertEquals(new GatewayConfig.HttpSettings(false, "0.0.0.0", 0, java.time.Duration.ofMinutes(5)), http);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http: { port: 70000 } | http.port: 70000 is not valid: expected an integer 0..65535",
            "http: { bind: localhost } | http.bind: \"localhost\" is not valid: expected an IP address such as 0.0.0.0, 127.0.0.1 or ::",
            "http: { enabled: yes please } | http.enabled: \"yes please\" is not valid: expected true or false",
            "http: { health: { upstream-down-after: 0s } } | http.health.upstream-down-after: \"0s\" is not valid: expected a duration such as 500ms, 10s, 15m, 2h or 1d, 1s..1d in whole seconds",
            "http: { prot: 1 } | http.prot: unknown key; expected one of: enabled, bind, port, health",
    })
    void httpKeysAreCheckedLikeAllOthers(String yaml, String message) {
        assertMessage(message, yaml);
    }
}
