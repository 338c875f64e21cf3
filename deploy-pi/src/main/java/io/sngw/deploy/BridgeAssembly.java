package io.sngw.deploy;

import io.sngw.bridge.mqtt.BridgeCounters;
import io.sngw.bridge.mqtt.BridgeOptions;
import io.sngw.bridge.mqtt.MqttBridge;
import io.sngw.bridge.mqtt.PlatformLimits;
import io.sngw.bridge.mqtt.ProtocolOptions;
import io.sngw.bridge.mqtt.TlsOptions;
import io.sngw.bridge.mqtt.TransparentBridge;
import io.sngw.core.upstream.Upstream;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The MQTT bridge a configuration asks for: aggregating (one connection) or transparent (one per sensor), and what it
 * is given: the broker's address, TLS from {@code upstream.tls}, a cloud preset's platform limits, the status topic.
 */
final class BridgeAssembly {
    private BridgeAssembly() {
    }

    /**
     * @param upstream      the bridge, as the core's upstream port
     * @param counters      its counters ({@code upstream.*})
     * @param platformStats what a cloud preset's limits adapted ({@code upstream.platform.*}), over its connections
     */
    record Bridge(Upstream upstream, BridgeCounters counters, Supplier<Map<String, Long>> platformStats) {
    }

    /** Aggregating or transparent, as {@code upstream.mode} says. */
    static Bridge of(GatewayConfig config, BridgeOptions options) {
        UpstreamProtocolSettings up = config.upstream().protocol();
        ProtocolOptions protocol = up.toOptions(config.gateway().id());
        if (up.transparent()) {
            TransparentBridge transparent = new TransparentBridge(options, protocol, up.transparentClientId(),
                    up.maxConnections());
            return new Bridge(transparent, transparent.counters(), transparent::stats);
        }
        MqttBridge aggregating = new MqttBridge(options, protocol);
        return new Bridge(aggregating, aggregating.counters(), aggregating::stats);
    }

    /** What the bridge is given for {@code config}'s upstream at {@code host:port}, with TLS when {@code tls}. */
    static BridgeOptions options(GatewayConfig config, String host, int port, boolean tls) {
        GatewayConfig.UpstreamSettings up = config.upstream();
        GatewayConfig.TlsSettings t = up.tls();
        TlsOptions tlsOptions = tls ? new TlsOptions(t.caFile(), t.certFile(), t.keyFile(), t.verifyHostname(),
                t.alpn()) : null;
        PlatformLimits limits = up.preset() == null ? PlatformLimits.NONE : up.preset().limits(up.clientId());
        return new BridgeOptions(host, port, tlsOptions, up.clientId(), up.username(), up.password(), up.keepAlive(),
                up.connectTimeout(), up.reconnectMin(), up.reconnectMax(), up.maxInflight(),
                config.upstreamCleanSession(), up.statusTopic(), limits);
    }

    /** {@link #options(GatewayConfig, String, int, boolean)} for the configured url (not the embedded broker). */
    static BridgeOptions options(GatewayConfig config) {
        BrokerUrl url = BrokerUrl.parse(config.upstream().url());
        return options(config, url.host(), url.port(), url.tls());
    }
}
