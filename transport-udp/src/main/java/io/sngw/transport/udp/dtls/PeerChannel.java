package io.sngw.transport.udp.dtls;

import io.sngw.core.linksec.ReplayWindow;
import org.bouncycastle.tls.DTLSRecordCallback;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One DTLS peer behind the shared socket: the {@link DatagramTransport} Bouncy Castle runs its handshake and record
 * layer over, fed with the peer's records by the demultiplexer on the I/O thread, and the session's state.
 *
 * <p>It has two ways of answering {@link #receive}, one per phase:
 * <ul>
 * <li>During the handshake, {@code DTLSServerProtocol.accept} runs on a handshake thread and blocks in receive with
 * its retransmission timers: receive waits on the queue for that long, as a socket would.</li>
 * <li>Once established, nothing waits. A worker takes one record off the queue ({@link #takeRecord}), puts it in
 * front of Bouncy Castle ({@link #offerToRecordLayer}) and calls {@code DTLSTransport.receive}; receive hands over
 * that one record and, asked again, throws {@link NoMoreRecords} at once instead of blocking. Bouncy Castle lets an
 * {@link InterruptedIOException} through without failing the session (it is how an interrupted socket read looks),
 * so the worker returns to other peers; an idle peer costs a queue and no thread.</li>
 * </ul>
 */
final class PeerChannel implements DatagramTransport {
    /**
     * Largest datagram the handshake writes (Bouncy Castle fragments its flights to fit): the IPv6 minimum MTU of
     * 1280 less 40 bytes of IPv6 and 8 of UDP header, so a flight crosses any path without IP fragmentation.
     */
    static final int SEND_LIMIT = 1232;
    /** Records waiting for their peer's worker or handshake; beyond, records are dropped as on a congested link. */
    static final int QUEUE_CAPACITY = 128;

    enum State { HANDSHAKING, ESTABLISHED, CLOSED }

    /** Thrown by {@link #receive} in the established phase when the record in front has been taken. */
    static final class NoMoreRecords extends InterruptedIOException {
        NoMoreRecords() {
            super("no record pending");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a control-flow signal, thrown for every record: no stack trace to fill
        }
    }

    interface Owner {
        void write(InetSocketAddress to, byte[] datagram);

        void closed(PeerChannel peer);
    }

    final InetSocketAddress socket;
    /** The ClientHello random of the handshake that made this peer, to tell its retransmissions from a new one. */
    final byte[] clientRandom;
    private final Owner owner;
    private final BlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicReference<State> state = new AtomicReference<>(State.HANDSHAKING);
    private final long handshakeDeadlineNanos;
    /** Set while a worker processes this peer's records, so that at most one does, in arrival order. */
    final AtomicBoolean scheduled = new AtomicBoolean();

    private volatile DTLSTransport dtls;
    private volatile DtlsPeerAddress address;
    /** SHA-256 of the PSK the handshake used; null on certificate suites. */
    private volatile byte[] pskDigest;
    private volatile long lastActivityNanos;
    private volatile boolean encryptedRecordDuringHandshake;
    private volatile boolean cancelled;

    // Confined to the worker processing this peer (scheduled == true).
    final ReplayWindow replayWindow = ReplayWindow.forDtlsRecords();
    private byte[] inFront;
    /** Set by the record layer when the record in front passed its checks (replay window, MAC). */
    boolean recordAccepted;
    final DTLSRecordCallback onRecordAccepted = flags -> recordAccepted = true;

    PeerChannel(InetSocketAddress socket, byte[] clientRandom, Owner owner, long handshakeTimeoutNanos) {
        this.socket = socket;
        this.clientRandom = clientRandom;
        this.owner = owner;
        long now = System.nanoTime();
        this.handshakeDeadlineNanos = now + handshakeTimeoutNanos;
        this.lastActivityNanos = now;
    }

    State state() {
        return state.get();
    }

    DTLSTransport dtls() {
        return dtls;
    }

    DtlsPeerAddress address() {
        return address;
    }

    byte[] pskDigest() {
        return pskDigest;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Whether an encrypted record (epoch 1 or later: the client's Finished) arrived during the handshake. */
    boolean sawEncryptedRecordDuringHandshake() {
        return encryptedRecordDuringHandshake;
    }

    /** Moves to the established phase; false when the peer was closed meanwhile (replaced, or shutting down). */
    boolean establish(DTLSTransport transport, DtlsPeerAddress peerAddress, byte[] usedPskDigest) {
        this.dtls = transport;
        this.address = peerAddress;
        this.pskDigest = usedPskDigest;
        touch();
        return state.compareAndSet(State.HANDSHAKING, State.ESTABLISHED);
    }

    /** Closed by this side (replaced, or the listener closing) rather than by the protocol. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Wakes a handshake thread waiting for this peer's next flight, once the peer is closed: it ends at once. */
    void wakeHandshake() {
        inbound.clear();
        inbound.offer(new byte[0]);
    }

    /** Marks the peer closed and returns the state it was in; CLOSED means someone else closed it first. */
    State markClosed() {
        return state.getAndSet(State.CLOSED);
    }

    /** Queues one record from the demultiplexer; false when the queue is full (the record is dropped). */
    boolean enqueue(byte[] record) {
        return inbound.offer(record);
    }

    boolean hasQueuedRecords() {
        return !inbound.isEmpty();
    }

    /** The next record for a worker, or null. */
    byte[] takeRecord() {
        return inbound.poll();
    }

    /** Puts one record in front of the record layer: the next {@link #receive} returns it. Worker only. */
    void offerToRecordLayer(byte[] record) {
        inFront = record;
    }

    /** Drops whatever the record layer did not take. Worker only. */
    void clearRecordLayer() {
        inFront = null;
    }

    // ------------------------------------------------------------------------------------ DatagramTransport

    /**
     * Established: the size of the record in front (a header's worth when none), so that Bouncy Castle, which
     * allocates a buffer of this size on every receive call, allocates what one record needs and not 18 KiB per
     * record. Handshake: the largest record there may be.
     */
    @Override
    public int getReceiveLimit() {
        if (state.get() == State.HANDSHAKING) {
            return Records.MAX_RECORD_BYTES;
        }
        byte[] record = inFront;
        return record != null ? record.length : Records.HEADER_BYTES;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (state.get() == State.HANDSHAKING) {
            return receiveDuringHandshake(buf, off, len, waitMillis);
        }
        byte[] record = inFront;
        if (record == null) {
            throw new NoMoreRecords();
        }
        inFront = null;
        return copy(record, buf, off, len);
    }

    private int receiveDuringHandshake(byte[] buf, int off, int len, int waitMillis) throws IOException {
        // Bouncy Castle's handshake always asks for a finite wait; 0 would mean "forever", bounded here instead.
        long waitNanos = waitMillis > 0 ? TimeUnit.MILLISECONDS.toNanos(waitMillis)
                : Math.max(0, handshakeDeadlineNanos - System.nanoTime());
        byte[] record;
        try {
            record = inbound.poll(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("handshake interrupted (the listener is closing)");
        }
        if (state.get() == State.CLOSED) {
            throw new IOException("peer closed during the handshake");
        }
        if (record == null) {
            return -1; // a timeout: Bouncy Castle resends its last flight
        }
        if (Records.epoch(record) > 0) {
            encryptedRecordDuringHandshake = true;
        }
        return copy(record, buf, off, len);
    }

    private static int copy(byte[] record, byte[] buf, int off, int len) {
        if (record.length > len) {
            return -1; // cannot happen: records are capped at the receive limit; dropped if it ever did
        }
        System.arraycopy(record, 0, buf, off, record.length);
        return record.length;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        byte[] datagram = new byte[len];
        System.arraycopy(buf, off, datagram, 0, len);
        owner.write(socket, datagram);
    }

    /** Called by Bouncy Castle when its record layer closes (close_notify, fatal alert, or our own close). */
    @Override
    public void close() {
        owner.closed(this);
    }

    @Override
    public String toString() {
        DtlsPeerAddress a = address;
        return a != null ? a.toString() : "dtls peer " + socket + " (" + state.get() + ")";
    }
}
