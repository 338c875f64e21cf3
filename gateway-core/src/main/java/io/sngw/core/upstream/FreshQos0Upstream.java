package io.sngw.core.upstream;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * QoS 0 is telemetry that loses its value with age: every QoS 0 message to the broker is stamped with the moment it
 * becomes stale, {@code maxAge} after its datagram reached the gateway ({@link UpstreamMessage#receivedAtNanos()}; as
 * the core hands it over where that is unknown), and the bridge drops what is stale by the time it would be written,
 * instead of queueing seconds of old readings. So the bound covers the whole of the gateway's share: the session
 * loop's queue, the bridge's outbox, up to the write to the broker. Everything else passes unchanged.
 */
public final class FreshQos0Upstream extends ForwardingUpstream {
    private final long maxAgeNanos;

    public FreshQos0Upstream(Upstream upstream, Duration maxAge) {
        super(upstream);
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be > 0: " + maxAge);
        }
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public CompletableFuture<Void> publish(UpstreamMessage message) {
        if (message.qos() != 0) {
            return upstream.publish(message);
        }
        long since = message.receivedAtNanos() != 0 ? message.receivedAtNanos() : System.nanoTime();
        return upstream.publish(message.staleAt(since + maxAgeNanos));
    }
}
