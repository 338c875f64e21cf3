package io.sngw.bridge.mqtt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packet ids in use on one connection and what each awaits from the broker; among them the window of QoS 1/2
 * publishes awaiting PUBACK / PUBREC (exactly the publishes whose futures are still pending), which
 * {@code maxInflight} bounds. A QoS 2 publish keeps its id until PUBCOMP, so while PUBCOMPs lag the ids in use can
 * exceed the window (bounded by the 65535 ids). Upstream loop only.
 *
 * <p>A chained {@link HashMap}, not Netty's open-addressing {@code IntObjectHashMap}: ids are handed out in sequence,
 * so those in flight sit in one contiguous run of slots there, and removing the oldest (the usual acknowledgement)
 * scanned the whole run for entries to move back: a thousand slots per PUBACK with a thousand in flight, 5 % of the
 * gateway's Java samples at 100 sensors × window 10.
 */
final class PublishWindow {
    private final Map<Integer, Pending> pending = new HashMap<>();
    private int nextPacketId = 1;
    private int inflightPublishes;

    /** 1..65535, skipping ids in use; 0 when all are taken. */
    int allocatePacketId() {
        for (int i = 0; i < 65535; i++) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!pending.containsKey(id)) {
                return id;
            }
        }
        return 0;
    }

    int inflightPublishes() {
        return inflightPublishes;
    }

    /** Records what {@code id} awaits; a publish not yet released counts against the window. */
    void put(int id, Pending p) {
        pending.put(id, p);
        if (p instanceof Pending.Publish pp && !pp.released) {
            inflightPublishes++;
        }
    }

    Pending get(int id) {
        return pending.get(id);
    }

    /** PUBACK: the QoS 1 publish under {@code id}, now done, or null if none awaits it. */
    Pending.Publish acknowledged(int id) {
        if (pending.get(id) instanceof Pending.Publish pp && pp.qos == 1) {
            pending.remove(id);
            inflightPublishes--;
            return pp;
        }
        return null;
    }

    /** The QoS 2 publish under {@code id}, or null if none awaits anything. */
    Pending.Publish qos2(int id) {
        return pending.get(id) instanceof Pending.Publish pp && pp.qos == 2 ? pp : null;
    }

    /**
     * PUBREC: the QoS 2 publish leaves the window (its id stays until PUBCOMP); false when it was released already
     * (a PUBREC for a publish released on reconnecting).
     */
    boolean release(Pending.Publish pp) {
        if (pp.released) {
            return false;
        }
        pp.released = true;
        inflightPublishes--;
        return true;
    }

    /** PUBCOMP: true when a released QoS 2 publish awaited it (its id is free again). */
    boolean completed(int id) {
        if (pending.get(id) instanceof Pending.Publish pp && pp.qos == 2 && pp.released) {
            pending.remove(id);
            return true;
        }
        return false;
    }

    /** Removes and returns what {@code id} awaited when it is a {@code type}, else null. */
    <T extends Pending> T take(int id, Class<T> type) {
        Pending p = pending.get(id);
        if (type.isInstance(p)) {
            pending.remove(id);
            return type.cast(p);
        }
        return null;
    }

    /** The ids of QoS 2 publishes still awaiting PUBREC or PUBCOMP. */
    List<Integer> qos2Ids() {
        List<Integer> ids = new ArrayList<>();
        pending.forEach((id, p) -> {
            if (p instanceof Pending.Publish pp && pp.qos == 2) {
                ids.add(id);
            }
        });
        return ids;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Everything awaited, removed: the connection is gone. */
    List<Pending> drain() {
        List<Pending> all = new ArrayList<>(pending.values());
        pending.clear();
        inflightPublishes = 0;
        return all;
    }
}
