package io.sngw.bridge.mqtt;

import java.util.ArrayDeque;

import io.sngw.core.upstream.UpstreamMessage;

/**
 * The broker's Receive Maximum (MQTT 5 §3.2.2.3.3, §4.9) on one connection: QoS 1/2 publishes on the wire and not yet
 * acknowledged (PUBACK, or PUBCOMP for QoS 2, or a failed PUBREC) are at most that many; the rest wait here, with
 * their packet ids, in order. Unlimited on 3.1.1. Upstream loop only.
 */
final class SendQuota {

    record Held(UpstreamMessage message, int packetId) {
    }

    private int receiveMaximum = Integer.MAX_VALUE;
    private int onWire;
    private final ArrayDeque<Held> held = new ArrayDeque<>();

    void receiveMaximum(int max) {
        receiveMaximum = max;
    }

    /** Whether one more QoS 1/2 publish may go on the wire now; if so, it is counted. */
    boolean take() {
        if (onWire >= receiveMaximum) {
            return false;
        }
        onWire++;
        return true;
    }

    void hold(UpstreamMessage message, int packetId) {
        held.addLast(new Held(message, packetId));
    }

    /** An acknowledgement gave a place back (not for a QoS 2 publish released after a reconnect: it took none). */
    void returned() {
        if (onWire > 0) {
            onWire--;
        }
    }

    /** The oldest held publish, counted on the wire, when there is room for it; else null. */
    Held next() {
        if (onWire >= receiveMaximum || held.isEmpty()) {
            return null;
        }
        onWire++;
        return held.pollFirst();
    }

    boolean hasHeld() {
        return !held.isEmpty();
    }

    /** The connection is gone: held publishes are failed with the rest of its window. */
    void clear() {
        held.clear();
    }
}
