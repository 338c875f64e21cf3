package io.sngw.transport.udp;

import java.util.concurrent.atomic.LongAdder;

/**
 * Traffic counters of one UDP link. LongAdders because the I/O thread and every sending thread bump them at once.
 * Reads are a consistent-enough snapshot for metrics, not a transaction.
 */
public final class UdpStats {
    final LongAdder datagramsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder datagramsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder shed = new LongAdder();
    final LongAdder receiverErrors = new LongAdder();

    UdpStats() {
    }

    /** Datagrams received (those the receiver took and those it refused, see {@link #shed()}). */
    public long datagramsIn() {
        return datagramsIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Datagrams written to the socket. */
    public long datagramsOut() {
        return datagramsOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /**
     * Outbound datagrams lost on our side: sent while the link was not running, over the outbound queue's bound,
     * or refused by the socket.
     */
    public long dropped() {
        return dropped.sum();
    }

    /** Datagrams the receiver refused before they were copied (a source over its fair share). */
    public long shed() {
        return shed.sum();
    }

    /** Datagrams whose receiver threw. */
    public long receiverErrors() {
        return receiverErrors.sum();
    }

    @Override
    public String toString() {
        return "UdpStats[in=" + datagramsIn() + " (" + bytesIn() + " B), out=" + datagramsOut() + " (" + bytesOut()
                + " B), shed=" + shed() + ", dropped=" + dropped() + ", receiverErrors=" + receiverErrors() + "]";
    }
}
