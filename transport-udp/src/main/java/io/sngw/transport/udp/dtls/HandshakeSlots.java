package io.sngw.transport.udp.dtls;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Who may start a handshake when {@code maxHandshakes} run already. A handshake that passed the cookie exchange and
 * went silent (half-open) used to hold its slot until the handshake timeout, so a few dozen of them locked every new
 * sensor out. Now:
 * <ul>
 *     <li>a half-open handshake older than {@link #EVICTABLE_AFTER_NANOS} gives its slot to a new ClientHello, oldest
 *     first; so does, at any age, one of an address that holds more than its fair share ({@code max / 8}) of the
 *     slots: one address cannot hold the listener;</li>
 *     <li>a quarter of the slots is kept for addresses that completed a handshake before (sensors that were here
 *     already): handshakes from new addresses can neither take nor evict those.</li>
 * </ul>
 * Slots are counted by IP address, not by socket: a port costs an attacker nothing. A valid cookie proves the address
 * is the sender's (it received the HelloVerifyRequest), so a forged source cannot hold a slot.
 *
 * <p>Called from the I/O thread (admit) and the handshake threads (release): synchronised, off the record path.
 */
final class HandshakeSlots {
    /** A legitimate handshake completes in a few round trips; after this one that has not may give way. */
    static final long EVICTABLE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** The outcome of a ClientHello with a valid cookie. */
    sealed interface Admission {
        /** @param evicted the half-open handshake that gave its slot, to be closed by the caller; null when none */
        record Admitted(PeerChannel evicted) implements Admission {
        }

        record Refused() implements Admission {
        }
    }

    private record Running(InetAddress address, boolean returning, long startedNanos) {
    }

    private final int max;
    private final int reservedForReturning;
    private final int fairShare;
    /** Handshakes running, in the order they started. */
    private final LinkedHashMap<PeerChannel, Running> running = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int fromNewAddresses;
    /** Addresses that completed a handshake, the most recent last; bounded. */
    private final LinkedHashMap<InetAddress, Boolean> returning;

    HandshakeSlots(int max, int rememberedAddresses) {
        this.max = max;
        this.reservedForReturning = max / 4;
        this.fairShare = Math.max(1, max / 8);
        this.returning = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Boolean> eldest) {
                return size() > rememberedAddresses;
            }
        };
    }

    synchronized Admission admit(PeerChannel peer, long nowNanos) {
        InetAddress address = peer.socket.getAddress();
        boolean isReturning = returning.containsKey(address);
        PeerChannel evicted = null;
        if (!hasRoom(isReturning)) {
            evicted = victim(isReturning, nowNanos);
            if (evicted == null) {
                return new Admission.Refused();
            }
            release(evicted, false);
        }
        running.put(peer, new Running(address, isReturning, nowNanos));
        perAddress.merge(address, 1, Integer::sum);
        if (!isReturning) {
            fromNewAddresses++;
        }
        return new Admission.Admitted(evicted);
    }

    private boolean hasRoom(boolean isReturning) {
        return running.size() < max && (isReturning || fromNewAddresses < max - reservedForReturning);
    }

    /**
     * The handshake to give way: the oldest one past {@link #EVICTABLE_AFTER_NANOS}, else the oldest of an address over
     * its fair share. A new address may only displace another new address's handshake.
     */
    private PeerChannel victim(boolean isReturning, long nowNanos) {
        PeerChannel hog = null;
        for (Map.Entry<PeerChannel, Running> e : running.entrySet()) {
            Running r = e.getValue();
            if (!isReturning && r.returning) {
                continue;
            }
            if (nowNanos - r.startedNanos >= EVICTABLE_AFTER_NANOS) {
                return e.getKey();
            }
            if (hog == null && perAddress.getOrDefault(r.address, 0) > fairShare) {
                hog = e.getKey();
            }
        }
        return hog;
    }

    /** The handshake ended (or was evicted); idempotent. {@code completed}: its address is one that returns. */
    synchronized void release(PeerChannel peer, boolean completed) {
        Running r = running.remove(peer);
        if (r == null) {
            return;
        }
        perAddress.computeIfPresent(r.address, (a, n) -> n == 1 ? null : n - 1);
        if (!r.returning) {
            fromNewAddresses--;
        }
        if (completed) {
            returning.put(r.address, Boolean.TRUE);
        }
    }

    synchronized int running() {
        return running.size();
    }
}
