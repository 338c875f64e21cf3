package io.sngw.bridge.mqtt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The QoS 2 state the gateway shares with the broker's session, kept across connections until a CONNACK says the
 * broker has no session for us. Upstream loop only.
 */
final class Qos2Session {
    /**
     * QoS 2 packet ids from the broker answered with PUBREC and awaiting PUBREL: a PUBLISH re-sent with one of them is
     * acknowledged, not delivered again.
     */
    private final BitSet received = new BitSet(65536);
    /**
     * Our QoS 2 publishes that were on the wire when a persistent session's connection dropped: the broker may still
     * hold them awaiting PUBREL and would take a new PUBLISH under the same id for a re-send. Released (PUBREL) on
     * the next connection when the broker kept the session, and their ids stay taken until PUBCOMP.
     */
    private final List<Integer> unreleased = new ArrayList<>();

    boolean alreadyReceived(int id) {
        return received.get(id);
    }

    /** A PUBREC for {@code id} left: a re-sent PUBLISH with it is a duplicate until PUBREL. */
    void received(int id) {
        received.set(id);
    }

    /** PUBREL for {@code id}: the broker is done with it. */
    void releasedByBroker(int id) {
        received.clear(id);
    }

    void keepUnreleased(List<Integer> ids) {
        unreleased.addAll(ids);
    }

    /** Our publishes to release on this connection; forgets them. */
    List<Integer> takeUnreleased() {
        List<Integer> ids = new ArrayList<>(unreleased);
        unreleased.clear();
        return ids;
    }

    /** The broker has no session for us. */
    void forget() {
        received.clear();
        unreleased.clear();
    }
}
