package io.sngw.bridge.mqtt;

import java.util.concurrent.atomic.AtomicInteger;

import io.sngw.core.upstream.UpstreamUnavailableException;

/**
 * QoS 0 publishes accepted but not yet written to the socket. Beyond {@value #MAX} a QoS 0 publish fails at once with
 * {@link #SATURATED}: when sensors send faster than the broker link takes, the excess is dropped here at the cost of a
 * counter, instead of queueing without bound and starving everything behind it (QoS 1 acknowledgements, the broker's
 * own traffic). 16k is ~100 ms of what this link carries on a small machine. Any thread.
 */
final class Qos0Permits {
    static final int MAX = 16_384;
    static final UpstreamUnavailableException SATURATED = new UpstreamUnavailableException(
            "broker link saturated: " + MAX + " QoS 0 publishes are waiting to be written; dropped");
    static final UpstreamUnavailableException STALE = new UpstreamUnavailableException(
            "QoS 0 publish stale before the broker link could take it; dropped");

    private final AtomicInteger pending = new AtomicInteger();
    /** Where the drops are counted; shared by a transparent bridge's connections. */
    private final BridgeCounters counters;

    Qos0Permits(BridgeCounters counters) {
        this.counters = counters;
    }

    /** False (and counted) when {@value #MAX} are already waiting. */
    boolean tryAcquire() {
        if (pending.incrementAndGet() > MAX) {
            pending.decrementAndGet();
            counters.increment(BridgeCounters.QOS0_DROPPED_SATURATED);
            return false;
        }
        return true;
    }

    /** A QoS 0 publish found stale on the loop before it was written (its permit is given back by settling it). */
    void countStale() {
        counters.increment(BridgeCounters.QOS0_DROPPED_STALE);
    }

    void release() {
        pending.decrementAndGet();
    }
}
