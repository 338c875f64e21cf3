package io.sngw.deploy;

import java.time.Duration;

import io.sngw.bridge.mqtt.MqttProtocol;
import io.sngw.bridge.mqtt.ProtocolOptions;
import io.sngw.bridge.mqtt.TopicTemplate;
import io.sngw.core.security.ClientIds;

/**
 * Reads and checks the {@code upstream:} keys of MQTT 5, the mode and topic templates ({@link
 * UpstreamProtocolSettings}); each rejection names the key, the value and what was expected.
 */
final class UpstreamProtocolKeys {

    private static final String PROTOCOL_EXPECTED = "3.1.1 or 5";
    private static final String MODE_EXPECTED = "aggregating or transparent";
    /** Room left for what {@code {client-id}} (at most 23 bytes) and {@code {gateway-id}} (at most 3) become. */
    private static final int TEMPLATE_ID_BYTES = ClientIds.MAX_UPSTREAM_ID_BYTES - 23;

    private UpstreamProtocolKeys() {
    }

    static UpstreamProtocolSettings read(ConfigSection s, UpstreamProtocolSettings d, String url, int gatewayId)
            throws ConfigException {
        MqttProtocol protocol = d.protocol();
        if (s.has("protocol")) {
            Object raw = s.raw("protocol");
            protocol = MqttProtocol.fromConfig(raw instanceof Number n ? String.valueOf(n) : String.valueOf(raw));
            if (protocol == null || raw instanceof Double) {
                throw ConfigException.invalid(s.pathOf("protocol"), raw, PROTOCOL_EXPECTED);
            }
        }
        boolean mqtt5 = protocol == MqttProtocol.MQTT_5;
        if (mqtt5 && GatewayConfig.EMBEDDED.equals(url)) {
            throw ConfigException.invalid(s.pathOf("protocol"), "5", PROTOCOL_EXPECTED
                    + "; 3.1.1 with upstream.url: embedded (the embedded broker speaks MQTT 3.1.1 only)");
        }
        requireMqtt5(s, "session-expiry", mqtt5);
        requireMqtt5(s, "topic-aliases", mqtt5);
        Duration sessionExpiry = s.duration("session-expiry", d.sessionExpiry(), Duration.ZERO,
                Duration.ofSeconds(ProtocolOptions.MAX_SESSION_EXPIRY_SECONDS), true, "");
        int topicAliases = s.integer("topic-aliases", d.topicAliases(), 0, 65535);
        Duration qos0Expiry = s.duration("qos0-offline-expiry", d.qos0OfflineExpiry(), Duration.ZERO,
                Duration.ofDays(365), true, "(0s: never)");

        boolean transparent = d.transparent();
        if (s.has("mode")) {
            String mode = s.string("mode", null, false);
            if (!mode.equals("aggregating") && !mode.equals("transparent")) {
                throw ConfigException.invalid(s.pathOf("mode"), mode, MODE_EXPECTED);
            }
            transparent = mode.equals("transparent");
        }
        if (!transparent) {
            for (String key : new String[] {"transparent-client-id", "max-connections"}) {
                if (s.has(key)) {
                    throw ConfigException.invalid(s.pathOf(key), s.raw(key),
                            "upstream.mode: transparent to go with it (the mode is aggregating)");
                }
            }
        }
        String clientIdTemplate = s.string("transparent-client-id", d.transparentClientId(), false);
        checkClientIdTemplate(s, clientIdTemplate, gatewayId);
        int maxConnections = s.integer("max-connections", d.maxConnections(), 1, 1_000_000);

        TopicTemplate template = d.topicTemplate();
        if (s.has("topic-template")) {
            String text = s.string("topic-template", null, false);
            try {
                template = TopicTemplate.parse(text);
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(s.pathOf("topic-template"), text,
                        e.getMessage().replaceFirst("^expected ", ""));
            }
        }
        return new UpstreamProtocolSettings(protocol, sessionExpiry, topicAliases, qos0Expiry, transparent,
                clientIdTemplate, maxConnections, template);
    }

    private static void requireMqtt5(ConfigSection s, String key, boolean mqtt5) throws ConfigException {
        if (s.has(key) && !mqtt5) {
            throw ConfigException.invalid(s.pathOf(key), s.raw(key), "upstream.protocol: 5 to go with it "
                    + "(MQTT 3.1.1 has no such feature)");
        }
    }

    private static void checkClientIdTemplate(ConfigSection s, String template, int gatewayId) throws ConfigException {
        String expected = "a client id containing {client-id} (and optionally {gateway-id}), at most "
                + TEMPLATE_ID_BYTES + " bytes besides, without control characters, '/', '+' or '#'";
        String rest = template.replace("{client-id}", "").replace("{gateway-id}", "");
        if (!template.contains("{client-id}") || rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            throw ConfigException.invalid(s.pathOf("transparent-client-id"), template, expected);
        }
        String sample = template.replace("{client-id}", "c").replace("{gateway-id}", String.valueOf(gatewayId));
        if (ClientIds.problem(sample, TEMPLATE_ID_BYTES) != null) {
            throw ConfigException.invalid(s.pathOf("transparent-client-id"), template, expected);
        }
    }
}
