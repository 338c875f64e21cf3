package io.sngw.bridge.mqtt;

import java.time.Duration;

/**
 * What the bridge says on its connections beyond reaching the broker ({@link BridgeOptions}): the MQTT version and
 * its MQTT 5 features, and the topic template. Validated on construction.
 *
 * @param protocol          MQTT 3.1.1 or 5
 * @param sessionExpiry     MQTT 5: Session Expiry Interval of a persistent session (CleanSession false in the
 *                          gateway's terms), 0 s..4294967295 s; how long the broker keeps the session after the
 *                          connection ends. Ignored with 3.1.1 (where a persistent session never expires)
 * @param topicAliases      MQTT 5: topic aliases the bridge uses for its publishes, 0..65535 (0 = none); bounded by
 *                          the broker's Topic Alias Maximum
 * @param qos0OfflineExpiry QoS 0 set aside while the broker was unreachable is dropped when older than this by the
 *                          time it can go, and with MQTT 5 carries the rest as its Message Expiry Interval; zero =
 *                          never expires
 * @param topicTemplate     how sensor topics map to broker topics, both ways; {@link TopicTemplate#IDENTITY} for none
 * @param gatewayId         the gateway's id, for {@code {gateway-id}} in templates
 */
public record ProtocolOptions(MqttProtocol protocol, Duration sessionExpiry, int topicAliases,
                              Duration qos0OfflineExpiry, TopicTemplate topicTemplate, String gatewayId) {

    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);
    public static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFFL;

    /** MQTT 3.1.1, no template: the bridge as it always was. */
    public static final ProtocolOptions MQTT_3_1_1 = new ProtocolOptions(MqttProtocol.MQTT_3_1_1,
            DEFAULT_SESSION_EXPIRY, 0, Duration.ZERO, TopicTemplate.IDENTITY, "1");

    public ProtocolOptions {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol must not be null");
        }
        sessionExpiry = sessionExpiry == null ? DEFAULT_SESSION_EXPIRY : sessionExpiry;
        if (sessionExpiry.isNegative() || sessionExpiry.getSeconds() > MAX_SESSION_EXPIRY_SECONDS) {
            throw new IllegalArgumentException("sessionExpiry must be 0 s..4294967295 s: " + sessionExpiry);
        }
        if (topicAliases < 0 || topicAliases > 65535) {
            throw new IllegalArgumentException("topicAliases must be 0..65535: " + topicAliases);
        }
        qos0OfflineExpiry = qos0OfflineExpiry == null ? Duration.ZERO : qos0OfflineExpiry;
        if (qos0OfflineExpiry.isNegative()) {
            throw new IllegalArgumentException("qos0OfflineExpiry must not be negative: " + qos0OfflineExpiry);
        }
        topicTemplate = topicTemplate == null ? TopicTemplate.IDENTITY : topicTemplate;
        gatewayId = gatewayId == null ? "1" : gatewayId;
    }

    public static ProtocolOptions mqtt5() {
        return MQTT_3_1_1.withProtocol(MqttProtocol.MQTT_5);
    }

    public ProtocolOptions withProtocol(MqttProtocol p) {
        return new ProtocolOptions(p, sessionExpiry, topicAliases, qos0OfflineExpiry, topicTemplate, gatewayId);
    }

    public ProtocolOptions withSessionExpiry(Duration d) {
        return new ProtocolOptions(protocol, d, topicAliases, qos0OfflineExpiry, topicTemplate, gatewayId);
    }

    public ProtocolOptions withTopicAliases(int n) {
        return new ProtocolOptions(protocol, sessionExpiry, n, qos0OfflineExpiry, topicTemplate, gatewayId);
    }

    public ProtocolOptions withQos0OfflineExpiry(Duration d) {
        return new ProtocolOptions(protocol, sessionExpiry, topicAliases, d, topicTemplate, gatewayId);
    }

    public ProtocolOptions withTopicTemplate(TopicTemplate t, String gwId) {
        return new ProtocolOptions(protocol, sessionExpiry, topicAliases, qos0OfflineExpiry, t, gwId);
    }

    boolean isMqtt5() {
        return protocol == MqttProtocol.MQTT_5;
    }

    int sessionExpirySeconds() {
        return (int) sessionExpiry.getSeconds(); // unsigned on the wire: 0xFFFFFFFF becomes -1 here, as MQTT means
    }
}
