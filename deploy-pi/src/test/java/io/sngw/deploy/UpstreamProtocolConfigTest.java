package io.sngw.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.sngw.bridge.mqtt.MqttProtocol;

/** The upstream keys of MQTT 5, the mode and topic templates, as the configuration file gives them. */
class UpstreamProtocolConfigTest {

    private static final String BROKER = "upstream:\n  url: tcp://127.0.0.1:1883\n";

    private static UpstreamProtocolSettings read(String upstreamLines) throws ConfigException {
        return ConfigLoader.parse(BROKER + upstreamLines).upstream().protocol();
    }

    private static void assertMessage(String expected, String upstreamLines) {
        assertEquals(expected, assertThrows(ConfigException.class, () -> read(upstreamLines)).getMessage());
    }

    @Test
    void defaultsAreMqtt311AggregatingWithoutATemplate() throws Exception {
        UpstreamProtocolSettings p = read("");
        assertEquals(MqttProtocol.MQTT_3_1_1, p.protocol());
        assertFalse(p.transparent());
        assertTrue(p.topicTemplate().isIdentity());
        assertEquals("{client-id}", p.transparentClientId());
        assertEquals(1000, p.maxConnections());
        assertEquals(10, p.topicAliases());
        assertEquals(Duration.ofDays(1), p.sessionExpiry());
        assertEquals(Duration.ZERO, p.qos0OfflineExpiry());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        UpstreamProtocolSettings p = read("""
                  protocol: 5
                  session-expiry: 2h
                  topic-aliases: 50
                  qos0-offline-expiry: 30s
                  mode: transparent
                  transparent-client-id: "gw{gateway-id}-{client-id}"
                  max-connections: 200
                  topic-template: "gw/{gateway-id}/{client-id}/{topic}"
                """);
        assertEquals(MqttProtocol.MQTT_5, p.protocol());
        assertEquals(Duration.ofHours(2), p.sessionExpiry());
        assertEquals(50, p.topicAliases());
        assertEquals(Duration.ofSeconds(30), p.qos0OfflineExpiry());
        assertTrue(p.transparent());
        assertEquals("gw{gateway-id}-{client-id}", p.transparentClientId());
        assertEquals(200, p.maxConnections());
        assertEquals("gw/{gateway-id}/{client-id}/{topic}", p.topicTemplate().toString());
    }

    @Test
    void protocolIsEither311Or5() throws Exception {
        assertEquals(MqttProtocol.MQTT_3_1_1, read("  protocol: 3.1.1\n").protocol());
        assertEquals(MqttProtocol.MQTT_5, read("  protocol: \"5\"\n").protocol());
        assertMessage("upstream.protocol: 4 is not valid: expected 3.1.1 or 5", "  protocol: 4\n");
        assertMessage("upstream.protocol: 5.0 is not valid: expected 3.1.1 or 5", "  protocol: 5.0\n");
    }

    @Test
    void mqtt5OnlyKeysNeedProtocol5() {
        assertMessage("upstream.topic-aliases: 10 is not valid: expected upstream.protocol: 5 to go with it "
                + "(MQTT 3.1.1 has no such feature)", "  topic-aliases: 10\n");
        assertMessage("upstream.session-expiry: \"1h\" is not valid: expected upstream.protocol: 5 to go with it "
                + "(MQTT 3.1.1 has no such feature)", "  session-expiry: 1h\n");
    }

    @Test
    void theEmbeddedBrokerSpeaksMqtt311Only() {
        assertEquals("upstream.protocol: \"5\" is not valid: expected 3.1.1 or 5; 3.1.1 with upstream.url: embedded "
                        + "(the embedded broker speaks MQTT 3.1.1 only)",
                assertThrows(ConfigException.class, () -> ConfigLoader.parse("upstream: { protocol: 5 }")).getMessage());
    }

    @Test
    void valuesOutOfRangeNameKeyValueAndExpectation() {
        assertMessage("upstream.topic-aliases: 70000 is not valid: expected an integer 0..65535",
                "  protocol: 5\n  topic-aliases: 70000\n");
        assertMessage("upstream.mode: \"bridged\" is not valid: expected aggregating or transparent",
                "  mode: bridged\n");
        assertMessage("upstream.max-connections: 0 is not valid: expected an integer 1..1000000",
                "  mode: transparent\n  max-connections: 0\n");
    }

    @Test
    void transparentKeysNeedTransparentMode() {
        assertMessage("upstream.max-connections: 10 is not valid: expected upstream.mode: transparent to go with it "
                + "(the mode is aggregating)", "  max-connections: 10\n");
    }

    @Test
    void transparentClientIdMustNameTheClient() {
        String expected = "expected a client id containing {client-id} (and optionally {gateway-id}), at most 105 "
                + "bytes besides, without control characters, '/', '+' or '#'";
        assertMessage("upstream.transparent-client-id: \"gw-{gateway-id}\" is not valid: " + expected,
                "  mode: transparent\n  transparent-client-id: \"gw-{gateway-id}\"\n");
        assertMessage("upstream.transparent-client-id: \"gw/{client-id}\" is not valid: " + expected,
                "  mode: transparent\n  transparent-client-id: \"gw/{client-id}\"\n");
        assertMessage("upstream.transparent-client-id: \"{client}-{client-id}\" is not valid: " + expected,
                "  mode: transparent\n  transparent-client-id: \"{client}-{client-id}\"\n");
    }

    @Test
    void topicTemplateIsCheckedWhenLoaded() {
        assertMessage("upstream.topic-template: \"gw/{topic}/x\" is not valid: expected topic levels ending in "
                        + "/{topic}, each level a literal (no '+' or '#') or {gateway-id} or {client-id} (each at most "
                        + "once), e.g. gw/{gateway-id}/{client-id}/{topic}",
                "  topic-template: \"gw/{topic}/x\"\n");
    }
}
