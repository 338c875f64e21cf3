package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.Advertise;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.Encapsulated;
import io.sngw.core.codec.MqttSnMessage.GwInfo;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MalformedReason;
import io.sngw.core.codec.MsgType;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.link.ForwardedAddress;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;
import io.sngw.core.security.AccessPolicy;
import io.sngw.core.security.ClientGrants;
import io.sngw.core.security.ClientIds;
import io.sngw.core.store.NoStore;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.store.Store;
import io.sngw.core.store.StoredState;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT-SN gateway core. Transports hand it datagrams ({@link LinkReceiver}); it decodes them on the transport
 * thread (stateless), then passes each to the loop that owns the client, and talks to the broker through the
 * {@link Upstream} port. It knows no socket, no serial port and no broker client.
 */
public final class Gateway implements LinkReceiver, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    private final OncePerPeer badInput = new OncePerPeer(LOG, java.time.Duration.ofMinutes(10));

    private final GatewayOptions options;
    private final Upstream upstream;
    private final Store store;
    private final AccessPolicy access;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Router router;
    private final Scheduling loops;
    private final GatewayContext ctx;
    private final FairShare fairShare;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> advertising;
    /** The encoded ADVERTISE once started with advertising on; a link attached later gets one at once. */
    private volatile byte[] advertise;
    private boolean restored;

    /** A gateway that keeps everything in memory: a restart forgets every session. */
    public Gateway(GatewayOptions options, Upstream upstream) {
        this(options, upstream, NoStore.INSTANCE);
    }

    /**
     * A gateway whose sessions and buffered messages survive restarts in the store. The store stays the caller's:
     * close it after the gateway.
     */
    public Gateway(GatewayOptions options, Upstream upstream, Store store) {
        this(options, upstream, store, AccessPolicy.open());
    }

    /** A gateway that admits clients, and lets them publish and subscribe, as {@code access} says. */
    public Gateway(GatewayOptions options, Upstream upstream, Store store, AccessPolicy access) {
        this(options, upstream, store, access, new SessionLoops(options.sessionLoops()));
    }

    /** With the time and threads given: gateway-core's test harness drives its own clock and loops. */
    Gateway(GatewayOptions options, Upstream upstream, Store store, AccessPolicy access, Scheduling scheduling) {
        this.options = options;
        this.upstream = upstream;
        this.store = store;
        this.access = access;
        this.loops = scheduling;
        this.router = new Router(store, scheduling.newRouterExecutor());
        this.ctx = new GatewayContext(options, upstream, store, access, router, metrics, loops);
        this.fairShare = new FairShare(options.budgets().sourceRate(), metrics, loops::congested);
        LOG.log(Level.INFO, "global budgets: {0}; unsupervised sessions expire after {1} idle", ctx.budgets,
                options.budgets().idleExpiry().isZero() ? "never" : options.budgets().idleExpiry());
    }

    /** Links that ADVERTISE is broadcast on; a link need not be attached to deliver datagrams. */
    public void attach(Link link) {
        links.add(link);
        byte[] announce = advertise;
        if (announce != null) {
            loops.any().execute(() -> link.broadcast(announce));
        }
    }

    /**
     * Restores the sessions the store holds (on the links attached so far), then starts the upstream connection
     * and the ADVERTISE timer. Attach the links first: a restored client's address is looked up by link name.
     */
    public void start() {
        if (!restored) {
            restore(store.load());
        }
        ctx.sessionsById.values().forEach(session -> session.post(session::resumeDeliveries));
        upstream.start(new UpstreamListener() {
            @Override
            public void onMessage(UpstreamMessage message, Runnable taken) {
                metrics.increment(Counter.UPSTREAM_MESSAGES_IN);
                router.route(message, taken);
            }

            @Override
            public void onConnectionChanged(boolean connected) {
                LOG.log(Level.INFO, "broker {0}", connected ? "connected" : "disconnected");
            }
        });
        long period = options.advertiseInterval().toMillis();
        if (period > 0) {
            int durationSeconds = (int) Math.min(options.advertiseInterval().toSeconds(), 0xFFFF);
            byte[] advertise = MqttSnCodec.encode(new Advertise(options.gatewayId(), durationSeconds));
            this.advertise = advertise;
            advertising = loops.any().scheduleAtFixedRate(() -> links.forEach(l -> l.broadcast(advertise)),
                    0, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Brings back the sessions the store held, on the links attached so far (a client's address is looked up by link
     * name), before the transports deliver anything; {@link #start()} does it itself when not done before. Callers
     * that loaded the store already (for the outbound backlog) pass what they found.
     */
    public void restore(StoredState stored) {
        if (restored) {
            throw new IllegalStateException("sessions already restored");
        }
        restored = true;
        if (stored.sessions().isEmpty()) {
            return;
        }
        Map<String, Link> linksByName = new HashMap<>();
        links.forEach(l -> linksByName.put(l.name(), l));
        List<CompletableFuture<Void>> restored = new ArrayList<>();
        int reachable = 0;
        for (SessionRecord record : stored.sessions()) {
            Link link = record.linkName() == null ? null : linksByName.get(record.linkName());
            LinkAddress address = link == null ? null : PersistentAddress.restore(link, record.address());
            // The registry's word alone: no link keeps what it proved across a restart, so a device with a credential
            // is restored as one that must prove it again (Session.restore) rather than refused here.
            AccessPolicy.Admission admission = access.current(record.clientId());
            if (admission instanceof AccessPolicy.Admission.Refused refused) {
                LOG.log(Level.WARNING, "stored session of {0} dropped: {1}", record.clientId(), refused.reason());
                store.deleteSession(record.clientId());
                continue;
            }
            ClientGrants grants = ((AccessPolicy.Admission.Admitted) admission).grants();
            if (address != null) {
                reachable++;
            }
            Session session = new Session(record.clientId(), loops.loopFor(record.clientId()), ctx);
            ctx.sessionsById.put(record.clientId(), session);
            ctx.holdSession();
            List<PendingMessage> pending = stored.pending().getOrDefault(record.clientId(), List.of());
            restored.add(CompletableFuture.runAsync(() -> session.restore(record, pending, link, address, grants),
                    session.loop));
        }
        CompletableFuture.allOf(restored.toArray(CompletableFuture[]::new)).join();
        LOG.log(Level.INFO, "restored {0} sessions from the store, {1} of them at their last address",
                stored.sessions().size(), reachable);
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Sessions held, connected or not. */
    public int sessionCount() {
        return ctx.sessionsById.size();
    }

    /**
     * What the first {@code limit} sessions by client id look like now: each view is taken on its session's own loop
     * (one owner per piece of state, no locks), so the list is a set of snapshots a few microseconds apart, not one
     * instant. Bounded because a gateway may hold 100,000 sessions and a status page needs a screenful. Never call
     * {@code join} on it from a session loop. Sessions of a closing gateway are left out.
     */
    public CompletableFuture<List<SessionView>> sessions(int limit) {
        List<CompletableFuture<SessionView>> views = new ArrayList<>();
        List<String> ids = new ArrayList<>(ctx.sessionsById.keySet());
        ids.sort(null);
        for (String id : ids.subList(0, Math.min(limit, ids.size()))) {
            Session session = ctx.sessionsById.get(id);
            if (session == null) {
                continue; // removed meanwhile
            }
            try {
                views.add(CompletableFuture.supplyAsync(session::view, session.loop));
            } catch (RejectedExecutionException closing) {
                // the gateway is closing: its sessions go away with it
            }
        }
        return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(done -> views.stream()
                .map(CompletableFuture::join).filter(java.util.Objects::nonNull).toList());
    }

    /**
     * How many sessions are in each state, by the kind of link they are on ({@code "none"} without an address):
     * counted by one task per loop over the sessions it owns, without a copy of each, so that a scrape of 100,000
     * sessions costs no more than the tally.
     */
    public CompletableFuture<Map<SessionView.Status, Map<String, Long>>> sessionCounts() {
        Map<java.util.concurrent.Executor, List<Session>> byLoop = new HashMap<>();
        ctx.sessionsById.values().forEach(s -> byLoop.computeIfAbsent(s.loop, l -> new ArrayList<>()).add(s));
        List<CompletableFuture<Map<SessionView.Status, Map<String, Long>>>> tallies = new ArrayList<>();
        byLoop.forEach((loop, sessions) -> {
            try {
                tallies.add(CompletableFuture.supplyAsync(() -> tally(sessions), loop));
            } catch (RejectedExecutionException closing) {
                // the gateway is closing
            }
        });
        return CompletableFuture.allOf(tallies.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<SessionView.Status, Map<String, Long>> total = new java.util.EnumMap<>(SessionView.Status.class);
            tallies.forEach(t -> t.join().forEach((status, byLink) -> byLink.forEach((link, n) -> total
                    .computeIfAbsent(status, k -> new java.util.TreeMap<>()).merge(link, n, Long::sum))));
            return total;
        });
    }

    /** On the loop that owns {@code sessions}. */
    private static Map<SessionView.Status, Map<String, Long>> tally(List<Session> sessions) {
        Map<SessionView.Status, Map<String, Long>> counts = new java.util.EnumMap<>(SessionView.Status.class);
        for (Session session : sessions) {
            SessionView.Status status = session.viewStatus();
            if (status != null) {
                String link = session.linkKind();
                counts.computeIfAbsent(status, k -> new HashMap<>()).merge(link == null ? "none" : link, 1L, Long::sum);
            }
        }
        return counts;
    }

    @Override
    public void onReceive(Link link, LinkAddress from, byte[] datagram) {
        if (admit(link, from)) {
            onAdmitted(link, from, datagram);
        }
    }

    /** Counts the datagram and asks its source's {@link FairShare}; the UDP listener asks before copying it. */
    @Override
    public boolean admit(Link link, LinkAddress from) {
        metrics.increment(Counter.DATAGRAMS_IN);
        return fairShare.admit(from);
    }

    @Override
    public void onAdmitted(Link link, LinkAddress from, byte[] datagram) {
        // On the transport's thread as it hands the datagram over, before any queue: a QoS 0 reading ages from here.
        long receivedNanos = loops.nanoTime();
        MqttSnMessage message = decode(link, datagram, from);
        if (message == null) {
            return;
        }
        if (message instanceof Encapsulated encapsulated) {
            from = new ForwardedAddress(from, encapsulated.wirelessNodeId(), encapsulated.radius());
            message = decode(link, encapsulated.inner(), from);
            if (message == null) {
                return;
            }
            if (message instanceof Encapsulated) {
                rejectMalformed(from, MalformedReason.BAD_ENCAPSULATION, "an encapsulated message inside another");
                return;
            }
        }
        dispatch(link, from, message, receivedNanos);
    }

    private MqttSnMessage decode(Link link, byte[] bytes, LinkAddress from) {
        DecodeResult result = MqttSnCodec.decode(bytes);
        if (result instanceof DecodeResult.Malformed malformed) {
            rejectMalformed(from, malformed.reason(), malformed.detail());
            if (malformed.reason() == MalformedReason.BAD_CLIENT_ID && MqttSnCodec.typeOf(bytes) == MsgType.CONNECT) {
                // A client whose id breaks the 1..23-byte rule (Paho's samples use 33) would wait for ever for a
                // CONNACK: refuse it. Three bytes in answer to more than 30 amplify nothing.
                metrics.increment(Counter.CONNECTS_REFUSED_CLIENT_ID);
                ctx.send(link, from, new ConnAck(ReturnCode.NOT_SUPPORTED));
            }
            return null;
        }
        return ((DecodeResult.Decoded) result).message();
    }

    private void rejectMalformed(LinkAddress from, MalformedReason reason, String detail) {
        metrics.countMalformed(reason);
        // At INFO once per address and reason (a sensor speaking the wrong protocol shows), the rest at DEBUG.
        if (!badInput.log(from.toString(), reason, () -> "dropped malformed datagram from " + from + ": " + reason
                + ": " + detail + " (logged once per address and reason every 10m)")) {
            LOG.log(Level.DEBUG, "dropped malformed datagram from {0}: {1}: {2}", from, reason, detail);
        }
    }

    private void dispatch(Link link, LinkAddress from, MqttSnMessage message, long receivedNanos) {
        MsgType type = message.type();
        switch (type) {
            case SEARCHGW -> {
                ctx.send(link, from, new GwInfo(options.gatewayId()));
                if (options.broadcastGwInfo()) {
                    link.broadcast(MqttSnCodec.encode(new GwInfo(options.gatewayId())));
                }
            }
            case ADVERTISE, GWINFO -> {
                // another gateway, or a client answering for one: nothing for us to do
            }
            case CONNECT -> {
                Connect connect = (Connect) message;
                LinkAddress address = from;
                loops.loopFor(connect.clientId()).execute(() -> connect(link, address, connect, false));
            }
            case PINGREQ -> {
                PingReq ping = (PingReq) message;
                if (ping.clientId() != null) {
                    LinkAddress address = from;
                    loops.loopFor(ping.clientId()).execute(() -> wake(link, address, ping.clientId()));
                } else {
                    toSession(link, from, message, receivedNanos);
                }
            }
            case PUBLISH -> {
                Publish publish = (Publish) message;
                if (publish.qos() == -1) {
                    publishWithoutConnection(from, publish, receivedNanos);
                } else {
                    toSession(link, from, message, receivedNanos);
                }
            }
            default -> toSession(link, from, message, receivedNanos);
        }
    }

    private void toSession(Link link, LinkAddress from, MqttSnMessage message, long receivedNanos) {
        Session session = ctx.sessionsByAddress.get(from);
        if (session != null) {
            session.post(() -> session.onMessage(from, message, receivedNanos));
        } else if (message.type() != MsgType.DISCONNECT) {
            // Tell the sensor at once that it must reconnect; answering a DISCONNECT could ping-pong forever.
            metrics.increment(Counter.NO_SESSION_DISCONNECT_SENT);
            ctx.send(link, from, new Disconnect());
        }
    }

    /**
     * On the loop owning the client id. {@code retried}: a session gave way for this CONNECT already (once is enough:
     * a table full of supervised sessions is really full).
     */
    private void connect(Link link, LinkAddress from, Connect connect, boolean retried) {
        String idProblem = ClientIds.problem(connect.clientId(), ClientIds.MAX_SENSOR_ID_BYTES);
        if (idProblem != null) {
            metrics.increment(Counter.CONNECTS_REFUSED_CLIENT_ID);
            LOG.log(Level.WARNING, "CONNECT from {0} refused: client id {1} is not valid ({2}): expected {3}", from,
                    LogText.quote(connect.clientId()), idProblem, ClientIds.expected(ClientIds.MAX_SENSOR_ID_BYTES));
            ctx.send(link, from, new ConnAck(ReturnCode.NOT_SUPPORTED));
            return;
        }
        AccessPolicy.Admission admission = access.admit(connect.clientId(), from);
        if (admission instanceof AccessPolicy.Admission.Refused refused) {
            metrics.increment(Counter.CONNECTS_REFUSED_AUTH);
            LOG.log(Level.WARNING, "CONNECT from {0} as {1} refused: {2}", from, connect.clientId(), refused.reason());
            ctx.send(link, from, new ConnAck(ReturnCode.NOT_SUPPORTED));
            return;
        }
        Session session = ctx.sessionsById.get(connect.clientId());
        if (session == null) {
            if (!ctx.reserveSession()) {
                Session idle = retried ? null : ctx.idleSessions.takeOldest();
                if (idle != null) {
                    // Its own loop decides whether it still may give way; then this CONNECT is decided again.
                    idle.post(() -> {
                        idle.giveWay();
                        loops.loopFor(connect.clientId()).execute(() -> connect(link, from, connect, true));
                    });
                    return;
                }
                metrics.increment(Counter.CONNECTS_REJECTED_CONGESTION);
                LOG.log(Level.WARNING, "CONNECT from {0} ({1}) refused: {2} clients already", connect.clientId(), from,
                        options.maxClients());
                ctx.send(link, from, new ConnAck(ReturnCode.CONGESTION));
                return;
            }
            session = new Session(connect.clientId(), loops.loopFor(connect.clientId()), ctx);
            ctx.sessionsById.put(connect.clientId(), session);
        } else if (!session.mayBeTakenOverFrom(from)) {
            metrics.increment(Counter.TAKEOVERS_REFUSED);
            LOG.log(Level.WARNING, "CONNECT from {0} as {1} refused: its session was connected over a link that proved "
                    + "its identity, and this one did not", from, connect.clientId());
            ctx.send(link, from, new ConnAck(ReturnCode.NOT_SUPPORTED));
            return;
        }
        session.onConnect(link, from, connect, ((AccessPolicy.Admission.Admitted) admission).grants());
    }

    /** On the loop owning the client id. */
    private void wake(Link link, LinkAddress from, String clientId) {
        Session session = ctx.sessionsById.get(clientId);
        if (session == null) {
            metrics.increment(Counter.NO_SESSION_DISCONNECT_SENT);
            ctx.send(link, from, new Disconnect());
            return;
        }
        session.onWake(link, from);
    }

    /**
     * Applies a change of these clients' devices to their sessions, each on its own loop: with authentication on, a
     * client whose device was disabled or removed loses its session (see {@link Session#revoke}), and one whose ACL
     * changed gets its new grants. Call it from a thread of the caller's own, never from a session loop: the wiring
     * gives it the {@link io.sngw.core.security.DeviceRegistry#onChange} notifications.
     *
     * @return completes (never exceptionally) when every session concerned has applied the change, so that the caller
     *         may then close what a revoked client's DISCONNECT still had to pass through (its DTLS session)
     */
    public CompletableFuture<Void> devicesChanged(Set<String> clientIds) {
        if (!access.requiresAuth()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> applied = new ArrayList<>();
        for (String clientId : clientIds) {
            try {
                applied.add(CompletableFuture.runAsync(() -> review(clientId), loops.loopFor(clientId))
                        .exceptionally(failure -> {
                            metrics.increment(Counter.INTERNAL_ERRORS);
                            LOG.log(Level.ERROR, "applying a device change to " + clientId + " failed", failure);
                            return null;
                        }));
            } catch (RejectedExecutionException closing) {
                // the gateway is closing: its sessions go away with it
            }
        }
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new));
    }

    /** On the loop owning the client id. */
    private void review(String clientId) {
        Session session = ctx.sessionsById.get(clientId);
        if (session == null) {
            return;
        }
        AccessPolicy.Admission admission = access.current(clientId);
        if (admission instanceof AccessPolicy.Admission.Refused refused) {
            session.revoke(refused.reason());
        } else {
            session.updateGrants(((AccessPolicy.Admission.Admitted) admission).grants());
        }
    }

    /** QoS -1: no session, no answer; only predefined ids and short names can say where it goes. */
    private void publishWithoutConnection(LinkAddress from, Publish publish, long receivedNanos) {
        String topic = ctx.nameWithoutRegistration(publish.topic()); // a PUBLISH never carries a full name
        if (topic != null && !access.mayPublishWithoutSession(from, topic)) {
            metrics.increment(Counter.PUBLISH_IN_REFUSED_ACL);
            LOG.log(Level.DEBUG, "dropped QoS -1 publish from {0} to {1}: not an authenticated device allowed to", from, topic);
            return;
        }
        if (topic == null || publish.data().length > options.maxPayload()) {
            metrics.increment(Counter.PUBLISH_IN_DROPPED);
            LOG.log(Level.DEBUG, "dropped QoS -1 publish from {0}: {1}", from, topic == null
                    ? "topic must be a known predefined id or a short name, not " + publish.topic()
                    : "payload over " + options.maxPayload() + " bytes");
            return;
        }
        metrics.increment(Counter.PUBLISH_IN_QOS_MINUS1);
        ctx.publishUnacknowledged(new UpstreamMessage(topic, publish.data(), 0, publish.retain())
                .receivedAt(receivedNanos));
    }

    @Override
    public void close() {
        if (advertising != null) {
            advertising.cancel(false);
        }
        upstream.close();
        loops.close();
        router.close();
    }
}
