package io.sngw.deploy;

import java.time.Duration;
import java.util.Objects;

import io.sngw.bridge.mqtt.MqttProtocol;
import io.sngw.bridge.mqtt.ProtocolOptions;
import io.sngw.bridge.mqtt.TopicTemplate;

/**
 * The {@code upstream:} keys of MQTT 5, the bridge's mode and topic templates (see the README's "MQTT 5 and
 * transparent mode").
 *
 * @param protocol              {@code upstream.protocol}: 3.1.1 or 5
 * @param sessionExpiry         {@code upstream.session-expiry}: MQTT 5 Session Expiry Interval of persistent sessions
 * @param topicAliases          {@code upstream.topic-aliases}: MQTT 5 topic aliases per connection
 * @param qos0OfflineExpiry     {@code upstream.qos0-offline-expiry}: QoS 0 held while offline expires after this
 *                              (0s: never)
 * @param transparent           {@code upstream.mode}: true for transparent, false for aggregating
 * @param transparentClientId   {@code upstream.transparent-client-id}: a sensor's upstream client id
 * @param maxConnections        {@code upstream.max-connections}: sensor connections at once (transparent)
 * @param topicTemplate         {@code upstream.topic-template}
 */
public record UpstreamProtocolSettings(MqttProtocol protocol, Duration sessionExpiry, int topicAliases,
                                       Duration qos0OfflineExpiry, boolean transparent, String transparentClientId,
                                       int maxConnections, TopicTemplate topicTemplate) {

    public static final String DEFAULT_TRANSPARENT_CLIENT_ID = "{client-id}";
    public static final int DEFAULT_TOPIC_ALIASES = 10;
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;

    public UpstreamProtocolSettings {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(sessionExpiry, "sessionExpiry");
        Objects.requireNonNull(qos0OfflineExpiry, "qos0OfflineExpiry");
        Objects.requireNonNull(transparentClientId, "transparentClientId");
        Objects.requireNonNull(topicTemplate, "topicTemplate");
    }

    public static UpstreamProtocolSettings defaults() {
        return new UpstreamProtocolSettings(MqttProtocol.MQTT_3_1_1, ProtocolOptions.DEFAULT_SESSION_EXPIRY,
                DEFAULT_TOPIC_ALIASES, Duration.ZERO, false, DEFAULT_TRANSPARENT_CLIENT_ID, DEFAULT_MAX_CONNECTIONS,
                TopicTemplate.IDENTITY);
    }

    /** The bridge's protocol options for gateway {@code gatewayId}. */
    public ProtocolOptions toOptions(int gatewayId) {
        return new ProtocolOptions(protocol, sessionExpiry, topicAliases, qos0OfflineExpiry, topicTemplate,
                String.valueOf(gatewayId));
    }
}
