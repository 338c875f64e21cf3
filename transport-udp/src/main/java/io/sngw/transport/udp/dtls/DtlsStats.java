package io.sngw.transport.udp.dtls;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one DTLS listener, for metrics and tests. LongAdders because the I/O thread, the handshake threads,
 * the workers and every sending thread bump them at once; reads are a consistent-enough snapshot, not a transaction.
 */
public final class DtlsStats {
    final LongAdder datagramsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder datagramsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder datagramsDroppedOut = new LongAdder();

    final LongAdder helloVerifyRequestsSent = new LongAdder();
    final LongAdder clientHellosDroppedBusy = new LongAdder();
    final LongAdder clientHellosShed = new LongAdder();
    final LongAdder handshakesEvicted = new LongAdder();
    final LongAdder handshakesStarted = new LongAdder();
    final LongAdder handshakesCompleted = new LongAdder();
    private final Map<HandshakeFailure, LongAdder> handshakesFailed = new EnumMap<>(HandshakeFailure.class);

    final LongAdder recordsDroppedReplay = new LongAdder();
    final LongAdder recordsDroppedBadRecord = new LongAdder();
    final LongAdder recordsDroppedNoPeer = new LongAdder();
    final LongAdder recordsDroppedMalformed = new LongAdder();
    final LongAdder recordsDroppedQueueFull = new LongAdder();

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder messagesDroppedOut = new LongAdder();
    final LongAdder receiverErrors = new LongAdder();

    final LongAdder peersClosedByPeer = new LongAdder();
    final LongAdder peersExpired = new LongAdder();
    final LongAdder peersEvicted = new LongAdder();
    final LongAdder peersReplaced = new LongAdder();
    final LongAdder peersKeyRevoked = new LongAdder();

    final AtomicInteger peersActive = new AtomicInteger();
    final AtomicInteger handshakesActive = new AtomicInteger();

    DtlsStats() {
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            handshakesFailed.put(reason, new LongAdder());
        }
    }

    void handshakeFailed(HandshakeFailure reason) {
        handshakesFailed.get(reason).increment();
    }

    /** Datagrams received on the socket, whatever became of them. */
    public long datagramsIn() {
        return datagramsIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Datagrams written to the socket (handshake flights, HelloVerifyRequests, records, alerts). */
    public long datagramsOut() {
        return datagramsOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Outbound datagrams lost on our side: over the outbound queue's bound, or the socket refused them. */
    public long datagramsDroppedOut() {
        return datagramsDroppedOut.sum();
    }

    /** ClientHellos dropped unread: more arrived than the listener looks at per second (a flood). */
    public long clientHellosShed() {
        return clientHellosShed.sum();
    }

    /** Half-open handshakes (or an address's excess ones) closed to give their slot to a new ClientHello. */
    public long handshakesEvicted() {
        return handshakesEvicted.sum();
    }

    /** HelloVerifyRequests sent: ClientHellos without a valid cookie, answered statelessly. */
    public long helloVerifyRequestsSent() {
        return helloVerifyRequestsSent.sum();
    }

    /** ClientHellos with a valid cookie dropped because max-handshakes were already running. */
    public long clientHellosDroppedBusy() {
        return clientHellosDroppedBusy.sum();
    }

    public long handshakesStarted() {
        return handshakesStarted.sum();
    }

    public long handshakesCompleted() {
        return handshakesCompleted.sum();
    }

    public long handshakesFailed(HandshakeFailure reason) {
        return handshakesFailed.get(reason).sum();
    }

    /** All failed handshakes, whatever the reason. */
    public long handshakesFailed() {
        return handshakesFailed.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Records of an established session dropped by the replay window: duplicates, or too old to tell. */
    public long recordsDroppedReplay() {
        return recordsDroppedReplay.sum();
    }

    /** Records of an established session that failed authentication (bad MAC) or were otherwise invalid. */
    public long recordsDroppedBadRecord() {
        return recordsDroppedBadRecord.sum();
    }

    /** Records from an address with no session that were not a ClientHello. */
    public long recordsDroppedNoPeer() {
        return recordsDroppedNoPeer.sum();
    }

    /** Datagrams whose record framing did not hold (truncated header or body, unknown content type, not DTLS). */
    public long recordsDroppedMalformed() {
        return recordsDroppedMalformed.sum();
    }

    /** Records dropped because their peer already had a full queue of records waiting. */
    public long recordsDroppedQueueFull() {
        return recordsDroppedQueueFull.sum();
    }

    /** Application data records decrypted and handed to the core: one MQTT-SN message each. */
    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    /** Messages from the core that could not be sent: no established session at that address, too large, failed. */
    public long messagesDroppedOut() {
        return messagesDroppedOut.sum();
    }

    /** Messages whose receiver threw. */
    public long receiverErrors() {
        return receiverErrors.sum();
    }

    /** Sessions the peer ended: close_notify or a fatal alert. */
    public long peersClosedByPeer() {
        return peersClosedByPeer.sum();
    }

    /** Sessions closed after the idle timeout. */
    public long peersExpired() {
        return peersExpired.sum();
    }

    /** Sessions closed to stay within max-peers (the one idle longest goes). */
    public long peersEvicted() {
        return peersEvicted.sum();
    }

    /** Sessions replaced by a new handshake from the same address. */
    public long peersReplaced() {
        return peersReplaced.sum();
    }

    /** Sessions closed because their PSK changed, or their device was disabled or removed, since the handshake. */
    public long peersKeyRevoked() {
        return peersKeyRevoked.sum();
    }

    /** Established sessions now. */
    public int peersActive() {
        return peersActive.get();
    }

    /** Handshakes running now; each holds per-peer state. */
    public int handshakesActive() {
        return handshakesActive.get();
    }

    @Override
    public String toString() {
        return "DtlsStats[in=" + datagramsIn() + ", out=" + datagramsOut() + ", hvr=" + helloVerifyRequestsSent()
                + ", handshakes=" + handshakesCompleted() + "/" + handshakesStarted() + " (failed " + handshakesFailed()
                + ", busy " + clientHellosDroppedBusy() + "), peers=" + peersActive() + ", messages in/out="
                + messagesIn() + "/" + messagesOut() + ", dropped replay/bad/no-peer/malformed/full=" + recordsDroppedReplay()
                + "/" + recordsDroppedBadRecord() + "/" + recordsDroppedNoPeer() + "/" + recordsDroppedMalformed() + "/"
                + recordsDroppedQueueFull() + "]";
    }
}
