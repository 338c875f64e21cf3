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

    private final AtomicInteger pending = new AtomicInteger();

    boolean tryAcquire() {
        if (pending.incrementAndGet() > MAX) {
            pending.decrementAndGet();
            return false;
        }
        return true;
    }

    void release() {
        pending.decrementAndGet();
    }
}
