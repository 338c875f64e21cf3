package io.sngw.core;

import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.link.ForwardedAddress;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.store.Store;
import io.sngw.core.upstream.Upstream;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every session shares: options, the upstream, the router, the counters and the two session indexes. The
 * indexes are concurrent maps because transports read them; an entry is only written by the loop that owns the
 * client id it points to.
 */
final class GatewayContext {
    final GatewayOptions options;
    final Upstream upstream;
    final Store store;
    final Router router;
    final GatewayMetrics metrics;
    final SessionLoops loops;
    final Map<String, Session> sessionsById = new ConcurrentHashMap<>();
    final Map<LinkAddress, Session> sessionsByAddress = new ConcurrentHashMap<>();
    final Map<String, Integer> predefinedIdsByName;

    GatewayContext(GatewayOptions options, Upstream upstream, Store store, Router router, GatewayMetrics metrics,
                   SessionLoops loops) {
        this.options = options;
        this.upstream = upstream;
        this.store = store;
        this.router = router;
        this.metrics = metrics;
        this.loops = loops;
        Map<String, Integer> byName = new HashMap<>();
        options.predefinedTopics().forEach((id, name) -> byName.put(name, id));
        this.predefinedIdsByName = Map.copyOf(byName);
    }

    /** Encodes and sends; a sensor behind a forwarder gets its message wrapped in an Encapsulated frame. */
    void send(Link link, LinkAddress to, MqttSnMessage message) {
        byte[] bytes = MqttSnCodec.encode(message);
        if (to instanceof ForwardedAddress forwarded) {
            bytes = MqttSnCodec.encode(new MqttSnMessage.Encapsulated(forwarded.radius(), forwarded.wirelessNodeId(), bytes));
            to = forwarded.forwarder();
        }
        link.send(to, bytes);
        metrics.increment(GatewayMetrics.Counter.MESSAGES_OUT);
    }
}
