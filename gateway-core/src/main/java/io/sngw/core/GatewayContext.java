package io.sngw.core;

import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.link.ForwardedAddress;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.security.AccessPolicy;
import io.sngw.core.store.Store;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamMessage;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * What every session shares: options, the upstream, the router, the counters and the two session indexes. The
 * indexes are concurrent maps because transports read them; an entry is only written by the loop that owns the
 * client id it points to.
 */
final class GatewayContext {
    final GatewayOptions options;
    final Upstream upstream;
    final Store store;
    final AccessPolicy access;
    final Router router;
    final GatewayMetrics metrics;
    final Scheduling loops;
    final Map<String, Session> sessionsById = new ConcurrentHashMap<>();
    /**
     * Sessions held, reserved before one is created: CONNECTs for new clients are decided on different loops at
     * once, and the map's size alone would let each of them take the last slot.
     */
    private final AtomicInteger sessionSlots = new AtomicInteger();
    final Map<LinkAddress, Session> sessionsByAddress = new ConcurrentHashMap<>();
    final Map<String, Integer> predefinedIdsByName;
    /** Sessions nobody supervises, oldest first: the first to give way when max-clients are held. */
    final IdleSessions idleSessions = new IdleSessions();
    final MemoryBudgets budgets;
    private final BiConsumer<Void, Throwable> countDropped;

    GatewayContext(GatewayOptions options, Upstream upstream, Store store, AccessPolicy access, Router router,
                   GatewayMetrics metrics, Scheduling loops) {
        this.options = options;
        this.upstream = upstream;
        this.store = store;
        this.access = access;
        this.router = router;
        this.metrics = metrics;
        this.loops = loops;
        this.budgets = MemoryBudgets.of(options, Runtime.getRuntime().maxMemory());
        this.countDropped = (ok, failure) -> {
            if (failure != null) {
                metrics.increment(GatewayMetrics.Counter.PUBLISH_IN_DROPPED);
            }
        };
        Map<String, Integer> byName = new HashMap<>();
        options.predefinedTopics().forEach((id, name) -> byName.put(name, id));
        this.predefinedIdsByName = Map.copyOf(byName);
    }

    /**
     * The name or filter a message gives without a registered id (a name, a predefined id, a short name), or null:
     * for a registered id, or a predefined id not configured.
     */
    String nameWithoutRegistration(TopicRef ref) {
        if (ref instanceof TopicRef.Name name) {
            return name.name();
        }
        if (ref instanceof TopicRef.Predefined predefined) {
            return options.predefinedTopics().get(predefined.id());
        }
        if (ref instanceof TopicRef.Short shortName) {
            return shortName.name();
        }
        return null;
    }

    /** Takes a slot for a new session; false when max-clients are already held. */
    boolean reserveSession() {
        while (true) {
            int held = sessionSlots.get();
            if (held >= options.maxClients()) {
                return false;
            }
            if (sessionSlots.compareAndSet(held, held + 1)) {
                return true;
            }
        }
    }

    /** A restored session takes its slot whatever the limit: it existed before the restart. */
    void holdSession() {
        sessionSlots.incrementAndGet();
    }

    void releaseSession() {
        sessionSlots.decrementAndGet();
    }

    /**
     * Hands a QoS 0 or -1 publish upstream; one the upstream does not take is counted as dropped. Refusals under
     * overload (the broker link saturated) come back already failed, and {@code whenComplete} on a failed future
     * builds a CompletionException, stack trace and all, per message: dropping then cost more than forwarding
     * (seen in the QoS 0 profile), just when the loops are short of time. So a settled future is looked at directly.
     */
    void publishUnacknowledged(UpstreamMessage message) {
        CompletableFuture<Void> written = upstream.publish(message);
        if (written.isDone()) {
            if (written.isCompletedExceptionally()) {
                metrics.increment(GatewayMetrics.Counter.PUBLISH_IN_DROPPED);
            }
            return;
        }
        written.whenComplete(countDropped);
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
