package io.sngw.core.upstream;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * QoS 0 is telemetry that loses its value with age: every QoS 0 message to the broker is stamped, as the core hands
 * it over, with the moment it becomes stale ({@code maxAge} later), and the bridge drops what is stale by the time
 * it would be written, instead of queueing seconds of old readings. Everything else passes unchanged.
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
        return upstream.publish(message.qos() == 0 ? message.staleAt(System.nanoTime() + maxAgeNanos) : message);
    }
}
