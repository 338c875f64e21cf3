package io.sngw.transport.udp.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.sngw.core.OncePerPeer;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;
import io.sngw.transport.udp.DatagramEndpoint;
import io.sngw.transport.udp.OutboundBatcher;
import io.sngw.transport.udp.ReceiverGuard;
import io.sngw.transport.udp.TokenBucket;
import io.sngw.transport.udp.UdpBindException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The DTLS 1.2 listener: one UDP socket, many DTLS peers, implementing the core's link port like
 * {@link io.sngw.transport.udp.UdpTransport}. MQTT-SN runs unchanged inside: each application data record is one
 * MQTT-SN message, and the core sees the peer as a {@link DtlsPeerAddress}.
 *
 * <h2>Demultiplexing and the cookie exchange</h2>
 * One Netty NIO channel with one I/O thread receives every datagram. The I/O thread checks the record framing
 * ({@link Records}) and routes by source address: records of a known peer go on that peer's queue. A ClientHello
 * from an address with no handshake running must first pass the stateless cookie exchange ({@link CookieVerifier}):
 * without a valid cookie it gets a HelloVerifyRequest and nothing is kept, so spoofed ClientHellos cost an HMAC and
 * one small datagram and allocate no per-peer state. Only a ClientHello with a valid cookie creates a peer. A valid
 * ClientHello from the address of an established session replaces that session (the client evidently lost it: a
 * rebooted sensor); RFC 6347 4.2.8 allows this once the cookie exchange is completed. Anything else from an unknown
 * address is dropped and counted.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>Handshakes block inside Bouncy Castle ({@code DTLSServerProtocol.accept} waits for flights with timers), so
 * each runs on a thread of a handshake pool of at most {@code maxHandshakes} threads, never on the I/O thread. A
 * handshake ends after {@code handshakeTimeout} at the latest. When that many run, a new ClientHello takes the slot of
 * a half-open one (silent for a while, or one of an address holding more than its share), and a quarter of the slots
 * stays for addresses that completed handshakes before ({@link HandshakeSlots}); otherwise it is dropped and counted,
 * and the client resends it. ClientHellos beyond {@value #CLIENT_HELLOS_PER_SECOND} a second (and
 * {@value #COOKIED_CLIENT_HELLOS_PER_SECOND} with a cookie) are shed before any work, so that a spoofed flood leaves the I/O thread to the established sessions' records.</li>
 * <li>Established sessions need no thread of their own. Their records are decrypted by a small pool of workers: the
 * I/O thread queues a record on its peer and schedules the peer on the pool when it is not already scheduled; the
 * worker hands the records one by one to Bouncy Castle's record layer through a {@link PeerChannel} whose receive
 * returns at once when no record is in front (see there). So thousands of idle sensors cost memory, not threads, and
 * one peer's records are processed in order by one worker at a time.</li>
 * <li>Sending ({@link #send}) encrypts on the caller's thread (a session loop of the core; Bouncy Castle serialises
 * writes of a session) and queues the datagram for the I/O thread, which writes in batches.</li>
 * </ul>
 *
 * <h2>Sleeping sensors, idle sessions, limits</h2>
 * A session with no authenticated record from its peer for {@code idleTimeout} is closed, and at most
 * {@code maxPeers} sessions are kept: when a handshake completes beyond that, the session idle longest is closed.
 * A sleeping sensor sends nothing for its whole sleep, so it keeps its session only if the idle timeout is longer
 * than the sleep. Rather than have the core tell the transport each sensor's sleep duration (a second channel of
 * state between them, and wrong the moment a sensor oversleeps), the idle timeout is long (24 h by default: longer
 * than any sleep a battery sensor is configured for) and memory is bounded by {@code maxPeers} with oldest-idle
 * eviction. Only authenticated records refresh a session, and only a completed handshake can evict, so nobody without
 * a key can push sleeping sensors out. A sensor whose session did expire simply handshakes again when it wakes (one
 * extra round trip and a PSK computation). Where certificate suites run without client certificates anyone can
 * complete a handshake, and so evict; use a client CA or PSK where that matters.
 *
 * <h2>Replay</h2>
 * Bouncy Castle keeps the DTLS replay window on every session; a {@link io.sngw.core.linksec.ReplayWindow} mirrors it
 * to count replayed records (dropped, never delivered) apart from records that fail authentication.
 *
 * <p>No session resumption: {@link #persistentForm} is null, so after a gateway restart a DTLS sensor handshakes
 * and connects again. Lifecycle: construct, {@link #start()} once, {@link #close()} once (idempotent).
 */
public final class DtlsTransport implements Link, AutoCloseable {
    private static final Level DEBUG = Level.DEBUG;
    private static final System.Logger LOG = System.getLogger(DtlsTransport.class.getName());

    /** Failed handshakes at INFO, once per address, identity and reason: a wrong key shows without a flood. */
    private final OncePerPeer failedHandshakes = new OncePerPeer(LOG, java.time.Duration.ofMinutes(10));

    /** Bouncy Castle's plaintext limit (2^14): a worker's buffer for one decrypted record. */
    static final int MAX_PLAINTEXT_BYTES = 1 << 14;
    /** After the handshake, a DTLS 1.2 session (no renegotiation in Bouncy Castle) carries its data in epoch 1. */
    private static final int APPLICATION_EPOCH = 1;
    /** Records a worker takes from one peer before giving others a turn. */
    private static final int RECORDS_PER_TURN = 32;
    private static final int MAX_PENDING_OUT = 65536;
    /** A cookie is valid for one to two of these periods (RFC 6347 4.2.1: change the secret frequently). */
    static final long COOKIE_SECRET_SECONDS = 60;
    private static final ThreadLocal<byte[]> PLAINTEXT = ThreadLocal.withInitial(() -> new byte[MAX_PLAINTEXT_BYTES]);

    private enum State { NEW, RUNNING, CLOSED }

    private enum CloseReason { BY_PEER, EXPIRED, EVICTED, REPLACED, KEY_REVOKED, FAILED, SHUTDOWN }

    private final DtlsOptions options;
    private final PskLookup pskLookup;
    private final LinkReceiver receiver;
    private final DtlsStats stats = new DtlsStats();
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final DTLSServerProtocol serverProtocol = new DTLSServerProtocol();
    private final ConcurrentHashMap<InetSocketAddress, PeerChannel> peers = new ConcurrentHashMap<>();
    private final HandshakeSlots handshakeSlots;
    /**
     * ClientHellos without a cookie the I/O thread answers per second (an HMAC and a HelloVerifyRequest each), and
     * ClientHellos with one it checks per second (an HMAC); the rest are shed before they are even copied, so that a
     * spoofed ClientHello flood leaves the I/O thread to the established sessions' records. Well above what the
     * handshake pool completes (about 1,000 a second here, each needing one of either).
     */
    static final int CLIENT_HELLOS_PER_SECOND = 2_000;
    static final int COOKIED_CLIENT_HELLOS_PER_SECOND = 4_000;
    private TokenBucket clientHelloBudget; // I/O thread only, after start
    private TokenBucket cookiedClientHelloBudget; // I/O thread only, after start
    private final PeerChannel.Owner owner = new PeerChannel.Owner() {
        @Override
        public void write(InetSocketAddress to, byte[] datagram) {
            DtlsTransport.this.write(to, datagram);
        }

        @Override
        public void closed(PeerChannel peer) {
            closePeer(peer, CloseReason.BY_PEER, false);
        }
    };
    private final Object lifecycle = new Object();
    private final Object evictionLock = new Object();

    private State state = State.NEW; // guarded by lifecycle
    private volatile String name;
    private volatile DatagramEndpoint endpoint;
    private volatile OutboundBatcher outbound;
    private volatile PemCredentials credentials;
    private volatile ClientCertificateVerifier clientVerifier;
    private volatile int[] cipherSuites;
    private volatile ThreadPoolExecutor handshakes;
    private volatile ThreadPoolExecutor workers;
    private CookieVerifier cookies; // I/O thread only, after start
    private ScheduledFuture<?> sweeper; // guarded by lifecycle
    private ScheduledFuture<?> cookieRotation; // guarded by lifecycle

    /**
     * @param pskLookup where PSKs come from; required when {@link DtlsOptions#pskSuites()} is on, ignored otherwise
     * @param receiver  the core: gets every decrypted MQTT-SN message with the peer's {@link DtlsPeerAddress}
     */
    public DtlsTransport(DtlsOptions options, PskLookup pskLookup, LinkReceiver receiver) {
        this.options = Objects.requireNonNull(options, "options");
        this.pskLookup = options.pskSuites() ? Objects.requireNonNull(pskLookup, "pskLookup") : null;
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.handshakeSlots = new HandshakeSlots(options.maxHandshakes(), options.maxPeers());
        this.name = formatName(options.bindAddress(), options.port());
    }

    /**
     * Reads the credential files, binds the socket and starts serving.
     *
     * @throws IllegalArgumentException when a credential file is missing, unreadable or unfit (the message names it)
     * @throws UdpBindException         when the socket cannot be bound
     * @throws IllegalStateException    when already started or closed
     */
    public void start() {
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException(name + " cannot start: it is " + state);
            }
            state = State.CLOSED; // unless everything below succeeds
            PemCredentials loaded = PemCredentials.load(options);
            credentials = loaded;
            clientVerifier = loaded.clientCas().isEmpty() ? null : new ClientCertificateVerifier(loaded.clientCas());
            cipherSuites = GatewayTlsServer.cipherSuites(crypto, pskLookup != null, loaded.key() != null);
            InetSocketAddress bindTo;
            try {
                bindTo = options.bindSocketAddress();
            } catch (IllegalArgumentException e) {
                throw new UdpBindException(options.bindAddress(), options.port(), e);
            }
            cookies = new CookieVerifier(crypto);
            clientHelloBudget = new TokenBucket(CLIENT_HELLOS_PER_SECOND, CLIENT_HELLOS_PER_SECOND / 10.0,
                    System.nanoTime());
            cookiedClientHelloBudget = new TokenBucket(COOKIED_CLIENT_HELLOS_PER_SECOND,
                    COOKIED_CLIENT_HELLOS_PER_SECOND / 10.0, System.nanoTime());
            // The pools exist before the socket: the first datagram may start a handshake.
            handshakes = pool("sngw-dtls-handshake", options.maxHandshakes());
            workers = pool("sngw-dtls-worker", options.workerThreads());
            DatagramEndpoint bound;
            try {
                bound = DatagramEndpoint.bind("sngw-dtls-" + options.port(), options.bindAddress(),
                        bindTo, options.receiveBufferBytes(), options.sendBufferBytes(), new InboundHandler());
            } catch (UdpBindException e) {
                shutdown(handshakes);
                shutdown(workers);
                throw e;
            }
            endpoint = bound;
            outbound = new OutboundBatcher(bound.channel(), stats.datagramsOut, stats.bytesOut,
                    stats.datagramsDroppedOut, MAX_PENDING_OUT);
            name = formatName(options.bindAddress(), bound.localAddress().getPort());
            long sweepMillis = Math.max(10, Math.min(10_000, options.idleTimeout().toMillis() / 4));
            sweeper = bound.eventLoop().scheduleAtFixedRate(this::expireIdlePeers, sweepMillis, sweepMillis,
                    TimeUnit.MILLISECONDS);
            cookieRotation = bound.eventLoop().scheduleAtFixedRate(() -> cookies.rotate(), COOKIE_SECRET_SECONDS,
                    COOKIE_SECRET_SECONDS, TimeUnit.SECONDS);
            state = State.RUNNING;
            bound.logListening(name + " (" + describeSuites() + ")", options.receiveBufferBytes());
        }
    }

    private static ThreadPoolExecutor pool(String prefix, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory(prefix, true));
        pool.allowCoreThreadTimeOut(true); // no handshakes, no handshake threads
        return pool;
    }

    private String describeSuites() {
        StringBuilder s = new StringBuilder();
        if (options.pskSuites()) {
            s.append("PSK suites");
        }
        if (options.certificateChain() != null) {
            s.append(s.length() > 0 ? ", " : "").append("certificate suites");
            s.append(options.clientCa() != null ? " with client certificates required" : " without client certificates");
        }
        return s.toString();
    }

    /** The bound socket address (with the real port when the options asked for port 0). */
    public InetSocketAddress localAddress() {
        DatagramEndpoint e = endpoint;
        if (e == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return e.localAddress();
    }

    /** "dtls:BIND:PORT", e.g. "dtls:0.0.0.0:8884"; the real port once started. */
    @Override
    public String name() {
        return name;
    }

    public DtlsStats stats() {
        return stats;
    }

    /** Peers with any state at all: handshakes running plus established sessions. */
    public int peerCount() {
        return peers.size();
    }

    public boolean isRunning() {
        synchronized (lifecycle) {
            return state == State.RUNNING;
        }
    }

    // ------------------------------------------------------------------------------------- inbound (I/O thread)

    /** Every datagram, on the I/O thread. Nothing in it may throw out: a malformed datagram is dropped and counted. */
    private void onDatagram(InetSocketAddress from, byte[] datagram) {
        stats.datagramsIn.increment();
        stats.bytesIn.add(datagram.length);
        List<byte[]> records = Records.split(datagram);
        if (records == null) {
            stats.recordsDroppedMalformed.increment();
            return;
        }
        PeerChannel peer = peers.get(from);
        boolean handshaking = peer != null && peer.state() == PeerChannel.State.HANDSHAKING;
        if (!handshaking && Records.isClientHello(records.get(0))) {
            onClientHello(from, datagram, records.get(0), peer);
            return;
        }
        if (peer == null) {
            stats.recordsDroppedNoPeer.add(records.size());
            return;
        }
        for (byte[] record : records) {
            if (!peer.enqueue(record)) {
                stats.recordsDroppedQueueFull.increment();
            }
        }
        if (peer.state() == PeerChannel.State.ESTABLISHED) {
            schedule(peer);
        }
    }

    private void onClientHello(InetSocketAddress from, byte[] datagram, byte[] clientHello, PeerChannel existing) {
        DTLSRequest request = cookies.verify(from, datagram, helloVerifyRequest -> {
            stats.helloVerifyRequestsSent.increment();
            write(from, helloVerifyRequest);
        });
        if (request == null) {
            return;
        }
        byte[] random = Records.clientRandom(clientHello);
        if (existing != null && Arrays.equals(existing.clientRandom, random)) {
            // A late copy of the ClientHello that made this very session: its record layer ignores it.
            return;
        }
        PeerChannel peer = new PeerChannel(from, random, owner, options.handshakeTimeout().toNanos());
        HandshakeSlots.Admission admission = handshakeSlots.admit(peer, System.nanoTime());
        if (!(admission instanceof HandshakeSlots.Admission.Admitted admitted)) {
            stats.clientHellosDroppedBusy.increment();
            return;
        }
        if (admitted.evicted() != null) {
            stats.handshakesEvicted.increment();
            closePeer(admitted.evicted(), CloseReason.EVICTED, false);
        }
        PeerChannel replaced = peers.put(from, peer);
        if (replaced != null) {
            closePeer(replaced, CloseReason.REPLACED, true);
        }
        stats.handshakesStarted.increment();
        stats.handshakesActive.incrementAndGet();
        try {
            handshakes.execute(() -> handshake(peer, request));
        } catch (RejectedExecutionException e) { // closing
            peers.remove(from, peer);
            stats.handshakesActive.decrementAndGet();
            handshakeSlots.release(peer, false);
        }
    }

    // ------------------------------------------------------------------------------ handshakes (handshake pool)

    private void handshake(PeerChannel peer, DTLSRequest request) {
        GatewayTlsServer server = new GatewayTlsServer(crypto, cipherSuites, pskLookup, credentials, clientVerifier,
                (int) options.handshakeTimeout().toMillis());
        HandshakeFailure failure = null;
        try {
            DTLSTransport dtls = serverProtocol.accept(server, peer, request);
            DtlsPeerAddress address = new DtlsPeerAddress(peer.socket, server.identity(), server.fingerprint());
            if (!peer.establish(dtls, address, server.pskDigest())) {
                failure = HandshakeFailure.CANCELLED;
                closeQuietly(dtls);
                return;
            }
            stats.peersActive.incrementAndGet();
            LOG.log(DEBUG, () -> name + ": DTLS session with " + address);
            evictBeyondMaxPeers(peer);
            schedule(peer); // records that came in while the last flight went out
        } catch (IOException | RuntimeException e) {
            failure = classify(e, server, peer);
            closePeer(peer, CloseReason.FAILED, false);
            HandshakeFailure reason = failure;
            String identity = server.identity() != null ? server.identity() : server.presentedIdentity();
            // At INFO once per address, identity and reason (a sensor with the wrong key shows), the rest at DEBUG.
            if (reason == HandshakeFailure.CANCELLED || !failedHandshakes.log(peer.socket + " " + identity, reason,
                    () -> name + ": DTLS handshake with " + peer.socket + (identity == null ? "" : " as " + identity)
                            + " failed: " + reason + " (logged once per address, identity and reason every 10m)")) {
                LOG.log(DEBUG, () -> name + ": DTLS handshake with " + peer.socket + " failed: " + reason + " (" + e
                        + ")");
            }
        } finally {
            // The outcome is counted last, so that whoever sees it also sees the slot free and the state gone.
            stats.handshakesActive.decrementAndGet();
            handshakeSlots.release(peer, failure == null);
            if (failure == null) {
                stats.handshakesCompleted.increment();
            } else {
                stats.handshakeFailed(failure);
            }
        }
    }

    private static HandshakeFailure classify(Exception e, GatewayTlsServer server, PeerChannel peer) {
        if (server.refusal() != null) {
            return server.refusal();
        }
        if (peer.cancelled()) {
            return HandshakeFailure.CANCELLED;
        }
        if (e instanceof TlsTimeoutException) {
            return peer.sawEncryptedRecordDuringHandshake() ? HandshakeFailure.BAD_KEY : HandshakeFailure.TIMEOUT;
        }
        if (e instanceof TlsFatalAlertReceived) {
            return HandshakeFailure.ALERT_RECEIVED;
        }
        if (e instanceof TlsFatalAlert alert) {
            return switch (alert.getAlertDescription()) {
                case AlertDescription.decrypt_error, AlertDescription.bad_record_mac -> HandshakeFailure.BAD_KEY;
                case AlertDescription.unknown_psk_identity -> HandshakeFailure.UNKNOWN_IDENTITY;
                case AlertDescription.bad_certificate, AlertDescription.unsupported_certificate,
                        AlertDescription.certificate_expired, AlertDescription.certificate_unknown,
                        AlertDescription.unknown_ca -> HandshakeFailure.BAD_CERTIFICATE;
                case AlertDescription.handshake_failure, AlertDescription.insufficient_security,
                        AlertDescription.protocol_version -> HandshakeFailure.NEGOTIATION;
                case AlertDescription.user_canceled -> HandshakeFailure.CANCELLED;
                default -> HandshakeFailure.PROTOCOL;
            };
        }
        if (e instanceof InterruptedIOException) {
            return HandshakeFailure.CANCELLED;
        }
        return HandshakeFailure.PROTOCOL;
    }

    /** Keeps at most maxPeers sessions: the one idle longest goes first. Only a completed handshake gets here. */
    private void evictBeyondMaxPeers(PeerChannel newcomer) {
        synchronized (evictionLock) {
            while (stats.peersActive.get() > options.maxPeers()) {
                PeerChannel oldest = null;
                for (PeerChannel p : peers.values()) {
                    if (p != newcomer && p.state() == PeerChannel.State.ESTABLISHED
                            && (oldest == null || p.lastActivityNanos() - oldest.lastActivityNanos() < 0)) {
                        oldest = p;
                    }
                }
                if (oldest == null) {
                    return;
                }
                PeerChannel evicted = oldest;
                closePeer(evicted, CloseReason.EVICTED, true);
                LOG.log(DEBUG, () -> name + ": " + evicted + " evicted: " + options.maxPeers() + " sessions at most");
            }
        }
    }

    // ------------------------------------------------------------------------ established sessions (workers)

    private void schedule(PeerChannel peer) {
        if (peer.hasQueuedRecords() && peer.scheduled.compareAndSet(false, true)) {
            try {
                workers.execute(() -> pump(peer));
            } catch (RejectedExecutionException e) {
                peer.scheduled.set(false); // closing
            }
        }
    }

    /** A worker's turn on one peer: up to {@value #RECORDS_PER_TURN} records, then back in line if more wait. */
    private void pump(PeerChannel peer) {
        try {
            for (int i = 0; i < RECORDS_PER_TURN && peer.state() == PeerChannel.State.ESTABLISHED; i++) {
                byte[] record = peer.takeRecord();
                if (record == null) {
                    break;
                }
                processRecord(peer, record);
            }
        } catch (RuntimeException e) {
            // A bug, not input: the session cannot be trusted further, the listener goes on.
            LOG.log(Level.WARNING, name + ": failed on a record of " + peer, e);
            closePeer(peer, CloseReason.FAILED, false);
        } finally {
            peer.scheduled.set(false);
        }
        // Records queued after the last poll found the flag still set and did not schedule: look again.
        if (peer.state() == PeerChannel.State.ESTABLISHED) {
            schedule(peer);
        }
    }

    private void processRecord(PeerChannel peer, byte[] record) {
        boolean applicationEpoch = Records.epoch(record) == APPLICATION_EPOCH;
        long seq = Records.sequenceNumber(record);
        if (applicationEpoch && !peer.replayWindow.isFresh(seq)) {
            stats.recordsDroppedReplay.increment();
            return;
        }
        byte[] plaintext = PLAINTEXT.get();
        int length;
        peer.recordAccepted = false;
        peer.offerToRecordLayer(record);
        try {
            length = peer.dtls().receive(plaintext, 0, plaintext.length, 0, peer.onRecordAccepted);
        } catch (PeerChannel.NoMoreRecords e) {
            length = -1; // the record was taken and yielded no application data (or was dropped)
        } catch (TlsFatalAlertReceived e) {
            closePeer(peer, CloseReason.BY_PEER, false);
            return;
        } catch (IOException e) {
            closePeer(peer, CloseReason.FAILED, false);
            LOG.log(DEBUG, () -> name + ": session with " + peer + " failed: " + e);
            return;
        } finally {
            peer.clearRecordLayer();
        }
        if (!peer.recordAccepted) {
            stats.recordsDroppedBadRecord.increment();
            return;
        }
        peer.touch();
        if (applicationEpoch) {
            peer.replayWindow.accept(seq);
        }
        if (length > 0) { // an empty record is no MQTT-SN message (some stacks send them as padding)
            deliver(peer, Arrays.copyOf(plaintext, length));
        }
    }

    private void deliver(PeerChannel peer, byte[] message) {
        stats.messagesIn.increment();
        ReceiverGuard.deliver(this, receiver, peer.address(), message, stats.receiverErrors);
    }

    // ----------------------------------------------------------------------------------------------- outbound

    /**
     * Encrypts one MQTT-SN message for the session at a {@link DtlsPeerAddress} and queues it; never blocks. Dropped
     * and counted when there is no established session at that address with that identity any more (expired,
     * evicted, replaced by another identity), or the message does not fit one record.
     */
    @Override
    public void send(LinkAddress to, byte[] message) {
        Objects.requireNonNull(message, "message");
        if (!(to instanceof DtlsPeerAddress address)) {
            throw new IllegalArgumentException(name + " can only send to a DtlsPeerAddress, not " + to);
        }
        PeerChannel peer = peers.get(address.socket());
        if (peer == null || peer.state() != PeerChannel.State.ESTABLISHED || !address.equals(peer.address())
                || message.length == 0 || message.length > MAX_PLAINTEXT_BYTES) {
            stats.messagesDroppedOut.increment();
            return;
        }
        try {
            peer.dtls().send(message, 0, message.length);
            stats.messagesOut.increment();
        } catch (IOException | RuntimeException e) {
            stats.messagesDroppedOut.increment();
            closePeer(peer, CloseReason.FAILED, false);
        }
    }

    /** DTLS has no broadcast: a no-op. */
    @Override
    public void broadcast(byte[] message) {
    }

    /** Null: a DTLS address means nothing without its session, which does not survive a restart. */
    @Override
    public byte[] persistentForm(LinkAddress address) {
        return null;
    }

    @Override
    public LinkAddress fromPersistentForm(byte[] form) {
        return null;
    }

    private void write(InetSocketAddress to, byte[] datagram) {
        OutboundBatcher out = outbound;
        if (out == null) {
            stats.datagramsDroppedOut.increment();
            return;
        }
        out.enqueue(to, datagram);
    }

    // ----------------------------------------------------------------------------------------------- closing

    private void closePeer(PeerChannel peer, CloseReason reason, boolean sendCloseNotify) {
        if (reason == CloseReason.REPLACED || reason == CloseReason.SHUTDOWN || reason == CloseReason.EVICTED) {
            peer.cancel();
        }
        PeerChannel.State before = peer.markClosed();
        if (before == PeerChannel.State.CLOSED) {
            return;
        }
        if (before == PeerChannel.State.HANDSHAKING) {
            peer.wakeHandshake(); // its thread must not sit out Bouncy Castle's retransmission timer
        }
        peers.remove(peer.socket, peer);
        if (before == PeerChannel.State.ESTABLISHED) {
            stats.peersActive.decrementAndGet();
            switch (reason) {
                case BY_PEER -> stats.peersClosedByPeer.increment();
                case EXPIRED -> stats.peersExpired.increment();
                case EVICTED -> stats.peersEvicted.increment();
                case REPLACED -> stats.peersReplaced.increment();
                case KEY_REVOKED -> stats.peersKeyRevoked.increment();
                default -> { }
            }
        }
        if (sendCloseNotify) {
            closeQuietly(peer.dtls());
        }
    }

    private static void closeQuietly(DTLSTransport dtls) {
        if (dtls != null) {
            try {
                dtls.close(); // close_notify, best effort
            } catch (IOException | RuntimeException e) {
                // the session is gone either way
            }
        }
    }

    /**
     * Closes the sessions of PSK identity {@code identity} whose key is no longer the one {@link PskLookup} gives:
     * the device's key changed, or it was disabled or removed (the lookup gives none). Their peers must handshake
     * again, with the key the registry holds now or not at all. Sessions on certificate suites are left alone: their
     * trust comes from the client CA, not from a key the registry could change. Any thread; the device registry's
     * change notifications call it.
     *
     * @return how many sessions were closed
     */
    public int dropPeersWithRevokedKey(String identity) {
        byte[] current = pskLookup == null ? null : pskLookup.pskFor(identity);
        byte[] currentDigest = current == null ? null : Sha256.of(current);
        if (current != null) {
            Arrays.fill(current, (byte) 0); // the lookup's copy: no longer needed, so not left in the heap
        }
        int closed = 0;
        for (PeerChannel peer : peers.values()) {
            DtlsPeerAddress address = peer.address();
            if (peer.state() == PeerChannel.State.ESTABLISHED && address != null && identity.equals(address.identity())
                    && peer.pskDigest() != null && !MessageDigest.isEqual(peer.pskDigest(), currentDigest)) {
                closePeer(peer, CloseReason.KEY_REVOKED, true);
                closed++;
            }
        }
        if (closed > 0) {
            LOG.log(Level.INFO, "{0}: closed {1} DTLS session(s) of {2}: its key changed, or the device was disabled"
                    + " or removed", name, closed, identity);
        }
        return closed;
    }

    /** On the I/O thread, periodically: sessions silent for the idle timeout are closed. */
    private void expireIdlePeers() {
        long idleNanos = options.idleTimeout().toNanos();
        long now = System.nanoTime();
        for (PeerChannel peer : peers.values()) {
            if (peer.state() == PeerChannel.State.ESTABLISHED && now - peer.lastActivityNanos() > idleNanos) {
                closePeer(peer, CloseReason.EXPIRED, true);
                LOG.log(DEBUG, () -> name + ": " + peer + " closed after " + options.idleTimeout() + " idle");
            }
        }
    }

    /** Replaces the cookie secret now (as happens every minute); for tests. */
    void rotateCookieSecret() {
        endpoint.eventLoop().submit(() -> cookies.rotate()).syncUninterruptibly();
    }

    /**
     * Sends close_notify to every session, stops the handshakes and workers, closes the socket and stops the I/O
     * thread, each within a bounded time. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (state == State.CLOSED && endpoint == null) {
                return;
            }
            State was = state;
            state = State.CLOSED;
            if (sweeper != null) {
                sweeper.cancel(false);
                cookieRotation.cancel(false);
            }
            for (PeerChannel peer : peers.values()) {
                closePeer(peer, CloseReason.SHUTDOWN, true);
            }
            shutdown(handshakes);
            shutdown(workers);
            DatagramEndpoint e = endpoint;
            endpoint = null;
            if (e != null) {
                e.close(name); // the close_notify datagrams queued above go out first
            }
            outbound = null;
            if (was == State.RUNNING) {
                LOG.log(DEBUG, () -> name + " closed: " + stats);
            }
        }
    }

    private static void shutdown(ExecutorService pool) {
        if (pool == null) {
            return;
        }
        pool.shutdownNow(); // interrupts handshakes waiting for a flight; they fail as CANCELLED
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static String formatName(String bindAddress, int port) {
        return "dtls:" + (bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress) + ":" + port;
    }

    /** Copies each datagram out of Netty's buffer and hands it to {@link #onDatagram} on the I/O thread. */
    private final class InboundHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        InboundHandler() {
            super(DatagramPacket.class, true);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            try {
                ByteBuf content = packet.content();
                if (Records.startsWithClientHello(content) && !(Records.clientHelloHasCookie(content)
                        ? cookiedClientHelloBudget : clientHelloBudget).tryTake(System.nanoTime())) {
                    stats.datagramsIn.increment();
                    stats.clientHellosShed.increment(); // a flood: dropped before it costs a copy
                    return;
                }
                onDatagram(packet.sender(), ByteBufUtil.getBytes(content));
            } catch (RuntimeException e) {
                // A bug, never input: the listener must go on serving everyone else.
                stats.recordsDroppedMalformed.increment();
                LOG.log(Level.WARNING, name + ": failed on a datagram from " + packet.sender(), e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            stats.datagramsDroppedOut.increment(); // mostly a datagram the socket refused to send
            LOG.log(DEBUG, () -> name + ": socket error: " + cause);
        }
    }
}
