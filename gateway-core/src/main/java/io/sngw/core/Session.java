package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.security.ClientGrants;
import io.sngw.core.security.LinkProof;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.topic.TopicFilter;
import io.sngw.core.topic.TopicRegistry;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.SensorConnection;
import io.sngw.core.upstream.UpstreamMessage;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One MQTT-SN client at the gateway: its state machine, topic ids, subscriptions, QoS flows in both directions,
 * and its will; sleep is its {@link Sleep}, keep-alive and sleep supervision its {@link Supervision}, the store record
 * its {@link SessionPersistence}. Every method runs on {@link #loop}, the session's owner; other
 * threads reach it only through {@link #post}.
 */
final class Session {
    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    private final String clientId;
    final ScheduledExecutorService loop;
    private final GatewayContext ctx;

    private Link link;
    private LinkAddress address;
    private SessionState state = SessionState.DISCONNECTED;
    private boolean cleanSession = true;
    /** When the client was last heard, kept once its connection ended (the idle expiry reuses the heard time). */
    private long lastSeenNanos = NEVER_SEEN;
    private static final long NEVER_SEEN = Long.MIN_VALUE;
    /** Its last connection ended without DISCONNECT: shown as lost rather than disconnected. */
    private boolean lost;
    /** Whether the link of its last CONNECT proved the client id: then only the same proof may take it over. */
    private boolean proved;
    /** What the client may publish and subscribe to, from its device's ACL at its last CONNECT. */
    private ClientGrants grants = ClientGrants.ALL;

    private final WillDialogue will;
    private final Supervision supervision;

    private final TopicRegistry registry;
    private final Deliveries deliveries;
    private final InboundPublishes inbound;
    private final Subscriptions subscriptions;
    private final SessionPersistence persistence;
    private final Sleep sleep;


    Session(String clientId, ScheduledExecutorService loop, GatewayContext ctx) {
        this.clientId = clientId;
        this.loop = loop;
        this.ctx = ctx;
        this.registry = new TopicRegistry(ctx.options.maxTopicsPerClient(), ctx.budgets.registrations());
        this.will = new WillDialogue(this, clientId, ctx);
        this.supervision = new Supervision(this, clientId, ctx);
        this.deliveries = new Deliveries(this, clientId, ctx, registry);
        this.inbound = new InboundPublishes(this, clientId, ctx);
        this.subscriptions = new Subscriptions(this, clientId, ctx, registry, deliveries);
        this.sleep = new Sleep(this, clientId, ctx, supervision, deliveries);
        this.persistence = new SessionPersistence(this, clientId, ctx, registry, supervision, will, subscriptions,
                inbound, deliveries);
    }

    /** Runs a task on the session's loop; a failure is counted and logged, never lost silently. */
    void post(Runnable task) {
        loop.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                ctx.metrics.increment(Counter.INTERNAL_ERRORS);
                LOG.log(Level.ERROR, "session " + clientId + ": internal error", e);
            }
        });
    }

    String clientId() {
        return clientId;
    }

    /** Whether a CONNECT from {@code from} may take this session over (see {@link LinkProof}). */
    boolean mayBeTakenOverFrom(LinkAddress from) {
        return LinkProof.mayTakeOver(proved, clientId, from);
    }

    // ---------------------------------------------------------------- connect, will dialogue, takeover

    void onConnect(Link fromLink, LinkAddress from, Connect connect, ClientGrants grants) {
        if (state == SessionState.REMOVED) {
            return;
        }
        this.grants = grants;
        lost = false;
        proved = LinkProof.proves(from, clientId);
        ctx.idleSessions.busy(this);
        ctx.metrics.increment(Counter.CONNECTS);
        if (address != null && !address.equals(from)) {
            ctx.metrics.increment(Counter.TAKEOVERS);
            LOG.log(Level.INFO, "client {0} taken over: {1} -> {2}", clientId, address, from);
            ctx.sessionsByAddress.remove(address, this);
            send(new Disconnect());
        }
        bindAddress(fromLink, from);
        stopTimers();
        deliveries.requeueInFlight();
        if (connect.cleanSession()) {
            clearState();
        }
        cleanSession = connect.cleanSession();
        supervision.connected(connect.duration());
        if (connect.will()) {
            state = SessionState.CONNECTING;
            will.start();
        } else {
            if (connect.cleanSession()) {
                will.set(null);
            }
            accept();
        }
    }

    private void bindAddress(Link fromLink, LinkAddress from) {
        link = fromLink;
        address = from;
        save();
        Session previous = ctx.sessionsByAddress.put(from, this);
        if (previous != null && previous != this) {
            // Another client id used to live at this address: that client is gone (a restarted sensor, a reused port).
            previous.post(() -> previous.onAddressTaken(from));
        }
    }

    private void onAddressTaken(LinkAddress taken) {
        if (taken.equals(address) && state != SessionState.REMOVED) {
            address = null;
            lose("its address " + taken + " now belongs to another client");
        }
    }

    /** CONNECT (and its will dialogue) done: CONNACK, and what waited for the client leaves. */
    void accept() {
        if (!ctx.upstream.sensorConnected(sensorConnection())) {
            ctx.metrics.increment(Counter.CONNECTS_REFUSED_UPSTREAM);
            LOG.log(Level.INFO, "client {0}: CONNECT refused, no upstream connection left for it", clientId);
            send(new ConnAck(ReturnCode.CONGESTION));
            endConnection(false);
            return;
        }
        state = SessionState.ACTIVE;
        if (supervision.keepAliveSeconds() == 0) {
            // Nothing supervises it: it may give way, and expires idle.
            ctx.idleSessions.idle(this, supervision.lastHeardNanos());
        }
        save();
        send(new ConnAck(ReturnCode.ACCEPTED));
        supervision.arm();
        pump();
    }

    // ---------------------------------------------------------------- messages from the client

    /** {@code receivedNanos}: when its datagram reached the gateway ({@link Scheduling#nanoTime()}). */
    void onMessage(LinkAddress from, MqttSnMessage message, long receivedNanos) {
        if (state == SessionState.REMOVED) {
            return;
        }
        if (!from.equals(address)) {
            // Queued before a takeover moved the client elsewhere: this address has no session any more.
            ctx.send(link, from, new Disconnect());
            ctx.metrics.increment(Counter.NO_SESSION_DISCONNECT_SENT);
            return;
        }
        long heard = supervision.heard();
        if (supervision.keepAliveSeconds() == 0) {
            ctx.idleSessions.heard(this, heard);
        }
        switch (message.type()) {
            case WILLTOPIC -> will.onWillTopic((WillTopic) message);
            case WILLMSG -> will.onWillMsg((WillMsg) message);
            case REGISTER -> onRegister((Register) message);
            case REGACK -> deliveries.onRegAck((RegAck) message);
            case PUBLISH -> {
                if (connected()) {
                    inbound.onPublish((Publish) message, receivedNanos);
                }
            }
            case PUBACK -> deliveries.onPubAck((PubAck) message);
            case PUBREC -> deliveries.onPubRec((PubRec) message);
            case PUBREL -> inbound.onPubRel((PubRel) message);
            case PUBCOMP -> deliveries.onPubComp((PubComp) message);
            case SUBSCRIBE -> {
                if (connected()) {
                    subscriptions.onSubscribe((Subscribe) message);
                }
            }
            case UNSUBSCRIBE -> subscriptions.onUnsubscribe((Unsubscribe) message);
            case PINGREQ -> onPing();
            case DISCONNECT -> onDisconnect((Disconnect) message);
            case WILLTOPICUPD -> will.onWillTopicUpdate((WillTopicUpd) message);
            case WILLMSGUPD -> will.onWillMsgUpdate((WillMsgUpd) message);
            default -> LOG.log(Level.DEBUG, "client {0}: ignoring {1}", clientId, message.type());
        }
    }

    boolean connected() {
        return state == SessionState.ACTIVE || state == SessionState.AWAKE || state == SessionState.ASLEEP;
    }

    private void onRegister(Register register) {
        if (!connected()) {
            return;
        }
        String name = register.topicName();
        if (!TopicFilter.isValidName(name)) {
            ctx.metrics.increment(Counter.REGISTER_REJECTED);
            send(new RegAck(0, register.msgId(), ReturnCode.NOT_SUPPORTED));
            return;
        }
        int id = registry.idFor(name);
        if (id < 0) {
            ctx.metrics.increment(Counter.REGISTER_REJECTED);
            send(new RegAck(0, register.msgId(), ReturnCode.CONGESTION));
            return;
        }
        deliveries.confirmed(name);
        save();
        send(new RegAck(id, register.msgId(), ReturnCode.ACCEPTED));
        pump();
    }

    private void onPing() {
        if (state == SessionState.AWAKE) {
            return; // the wake-up PINGREQ's answer comes once the buffer is drained
        }
        send(new PingResp());
    }

    /** PINGREQ carrying the client id: a sleeping client collects what was kept for it ({@link Sleep}). */
    void onWake(Link fromLink, LinkAddress from) {
        sleep.onWake(fromLink, from);
    }

    /** The client is at another address now (a wake from elsewhere that may take it there). */
    void moveTo(Link fromLink, LinkAddress from) {
        ctx.sessionsByAddress.remove(address, this);
        bindAddress(fromLink, from);
    }

    void becomes(SessionState next) {
        state = next;
    }

    private void onDisconnect(Disconnect disconnect) {
        send(new Disconnect());
        if (disconnect.sleepDuration() == null) {
            endConnection(false);
            return;
        }
        sleep.fallAsleep(disconnect.sleepDuration());
    }

    // ---------------------------------------------------------------- messages to the client

    /** A message from the broker that matched one of this session's filters. */
    void deliver(UpstreamMessage message) {
        if (state == SessionState.REMOVED) {
            return;
        }
        int qos = subscriptions.qosFor(message);
        if (qos < 0) {
            return; // unsubscribed meanwhile, or a retained message re-sent for another sensor's subscription
        }
        if (message.payload().length > ctx.options.maxPayload()) {
            ctx.metrics.increment(Counter.PUBLISH_OUT_DROPPED);
            return;
        }
        int effectiveQos = Math.min(qos, message.qos());
        if (state == SessionState.DISCONNECTED && effectiveQos == 0) {
            return; // an offline persistent session keeps QoS 1 and 2 only, as MQTT does
        }
        deliveries.enqueue(message, effectiveQos, isListening());
        pump();
    }

    // ---------------------------------------------------------------- durability

    /** Writes the session to the store once the current burst of work on the loop is done. */
    void save() {
        persistence.save();
    }

    /**
     * Brings back a session from the store at start, before any datagram is received. A client that was connected
     * and whose address can be restored carries on as if nothing happened: same topic ids, subscriptions and
     * buffered messages, a fresh keep-alive (or sleep) period. Without an address it waits for a CONNECT.
     */
    void restore(SessionRecord record, List<PendingMessage> pending, Link fromLink, LinkAddress from,
                 ClientGrants restoredGrants) {
        grants = restoredGrants;
        // No link keeps its proof across a restart: a device with a credential keeps needing one.
        proved = (from != null && LinkProof.proves(from, clientId)) || ctx.access.hasCredential(clientId);
        cleanSession = record.cleanSession();
        persistence.restore(record, pending);
        if (from != null && record.status() != SessionRecord.Status.DISCONNECTED) {
            link = fromLink;
            address = from;
            ctx.sessionsByAddress.put(from, this);
            state = record.status() == SessionRecord.Status.ASLEEP ? SessionState.ASLEEP : SessionState.ACTIVE;
            // Its upstream connection (transparent mode) comes back with it, and rests again if it sleeps.
            ctx.upstream.sensorConnected(sensorConnection());
            if (state == SessionState.ASLEEP) {
                ctx.upstream.sensorAsleep(origin());
            }
            long heard = supervision.heard();
            if (supervision.keepAliveSeconds() == 0 && state == SessionState.ACTIVE) {
                ctx.idleSessions.idle(this, heard);
            }
            supervision.arm();
            // What waits for it leaves in resumeDeliveries, once the links are started: sent now it would be lost.
        } else if (!cleanSession) {
            state = SessionState.DISCONNECTED;
            deliveries.dropQos0();
            becomeIdle(); // its idle time starts again: a restart cannot tell how long it had been away
        } else {
            remove();
        }
    }

    /**
     * The gateway has started its links: a restored session whose client was listening gets what waits for it at
     * once (its unacknowledged messages again, with their ids and DUP) instead of T_retry later.
     */
    void resumeDeliveries() {
        if (state == SessionState.ACTIVE) {
            pump();
        }
    }

    // ---------------------------------------------------------------- supervision, loss, removal

    /** A disconnected persistent session whose client stayed away past limits.idle-expiry ({@link Supervision}). */
    void expire() {
        remove();
    }

    /** Disconnected and persistent: nothing supervises it but the idle expiry, and it may give way to a new client. */
    private void becomeIdle() {
        ctx.idleSessions.idle(this, supervision.heard());
        supervision.arm();
    }

    /** The client vanished without DISCONNECT: its will goes to the broker. */
    void lose(String reason) {
        LOG.log(Level.INFO, "client {0} lost: {1}", clientId, reason);
        ctx.metrics.increment(Counter.CLIENTS_LOST);
        lost = true;
        endConnection(true);
    }

    /** The connection ends (lost, refused, DISCONNECT): a persistent session stays, without an address. */
    void endConnection(boolean publishWill) {
        boolean willAtBroker = ctx.upstream.sensorDisconnected(origin(), publishWill);
        if (publishWill) {
            will.publish(willAtBroker);
        }
        stopTimers();
        deliveries.requeueInFlight();
        unbindAddress();
        lastSeenNanos = supervision.lastHeardNanos();
        if (cleanSession) {
            remove();
        } else {
            state = SessionState.DISCONNECTED;
            deliveries.dropQos0();
            save();
            becomeIdle();
        }
    }

    /** Datagrams from the client's address no longer reach this session: they get the no-session DISCONNECT. */
    private void unbindAddress() {
        if (address != null) {
            ctx.sessionsByAddress.remove(address, this);
            address = null;
        }
    }

    /**
     * The client's device was disabled or removed while the gateway ran: the session ends at once, persistent or not,
     * and its stored record and messages go with it. A client that is listening hears DISCONNECT (a sleeping one
     * learns when it wakes: its PINGREQ finds no session). The will is not published: an administrator revoked the
     * client, the client did not vanish, and a will would announce a failure that did not happen.
     */
    void revoke(String reason) {
        if (state == SessionState.REMOVED) {
            return;
        }
        LinkAddress listening = state != SessionState.ASLEEP ? address : null;
        // Unbound before the DISCONNECT leaves: whatever the client sends once it has it must find no session.
        unbindAddress();
        if (listening != null) {
            ctx.send(link, listening, new Disconnect());
        }
        LOG.log(Level.INFO, "client {0}: session revoked, {1}{2}", clientId, reason,
                listening != null ? "; sent DISCONNECT" : "");
        ctx.metrics.increment(Counter.SESSIONS_REVOKED);
        stopTimers();
        remove();
    }

    /**
     * The client's device has a new ACL: it applies from the next message on, and subscriptions and a will the new
     * grants no longer allow are dropped, so that nothing keeps flowing under rights the device lost.
     */
    void updateGrants(ClientGrants updated) {
        if (state == SessionState.REMOVED || updated.equals(grants)) {
            return;
        }
        grants = updated;
        ctx.metrics.increment(Counter.GRANTS_UPDATED);
        List<String> dropped = subscriptions.dropNotAllowed(grants);
        boolean willDropped = will.dropIfNotAllowed(grants);
        if (!dropped.isEmpty() || willDropped) {
            save();
        }
        LOG.log(Level.INFO, "client {0}: ACL changed, new grants applied{1}{2}", clientId,
                dropped.isEmpty() ? "" : "; dropped subscriptions it no longer may have: " + String.join(", ", dropped),
                willDropped ? "; dropped its will, to a topic it no longer may publish to" : "");
    }

    /**
     * Max-clients are held and a new client asks in: this session, unsupervised the longest ({@link IdleSessions}),
     * makes room, unless it is supervised again by now.
     */
    void giveWay() {
        boolean unsupervised = state == SessionState.DISCONNECTED
                || (state == SessionState.ACTIVE && supervision.keepAliveSeconds() == 0);
        if (!unsupervised) {
            return;
        }
        LOG.log(Level.INFO, "client {0}: session dropped to make room for a new client (max-clients reached; it was {1})",
                clientId, state == SessionState.DISCONNECTED ? "disconnected" : "connected without keep-alive");
        ctx.metrics.increment(Counter.SESSIONS_GAVE_WAY);
        send(new Disconnect());
        stopTimers();
        unbindAddress();
        remove();
    }

    private void remove() {
        if (state != SessionState.DISCONNECTED && state != SessionState.REMOVED) {
            ctx.upstream.sensorDisconnected(origin(), false); // revoked, or gave way: its upstream connection goes too
        }
        state = SessionState.REMOVED;
        ctx.idleSessions.busy(this);
        if (ctx.sessionsById.remove(clientId, this)) {
            ctx.releaseSession();
        }
        clearState();
        ctx.store.deleteSession(clientId);
    }

    /** CleanSession: subscriptions, registrations, buffered and in-flight messages all go. */
    private void clearState() {
        subscriptions.clear();
        registry.clear();
        deliveries.clear();
        inbound.clear();
    }

    private void stopTimers() {
        supervision.stop();
        will.stop();
    }

    // ---------------------------------------------------------------- helpers

    SessionState state() {
        return state;
    }

    /** Where its client is reached; null while it has no address. */
    LinkAddress address() {
        return address;
    }

    Link link() {
        return link;
    }

    boolean cleanSession() {
        return cleanSession;
    }

    /** In the will dialogue of a CONNECT. */
    boolean isConnecting() {
        return state == SessionState.CONNECTING;
    }

    /**
     * Sends what waits for the client, as far as the in-flight window allows, while it listens; a client awake from
     * sleep that has everything goes back to sleep with its PINGRESP.
     */
    void pump() {
        if (!isListening()) {
            return;
        }
        deliveries.sendWhatTheWindowAllows();
        sleep.backToSleepIfDone();
    }

    /** Connected and not asleep: messages to it may leave now. */
    boolean isListening() {
        return state == SessionState.ACTIVE || state == SessionState.AWAKE;
    }

    /** Not removed, and its client has an address to answer to. */
    boolean isReachable() {
        return state != SessionState.REMOVED && address != null;
    }

    /** What the client may publish and subscribe to now. */
    ClientGrants grants() {
        return grants;
    }

    boolean isRemoved() {
        return state == SessionState.REMOVED;
    }

    void send(MqttSnMessage message) {
        if (address != null) {
            ctx.send(link, address, message);
        }
    }

    /** This sensor as the upstream sees it. */
    ClientRef origin() {
        return new ClientRef(clientId, link == null ? null : link.kind());
    }

    /** This sensor's connection as the upstream is told of it: clean session, keep-alive and will. */
    private SensorConnection sensorConnection() {
        return new SensorConnection(origin(), cleanSession, supervision.keepAliveSeconds(), will.toUpstream(origin()));
    }

    /** The topic name a PUBLISH refers to, or null where the id is unknown. */
    String topicNameOf(TopicRef ref) {
        if (ref instanceof TopicRef.Registered registered) {
            return registry.name(registered.id());
        }
        return ctx.nameWithoutRegistration(ref);
    }

    /** A copy of what an operator sees of this session; null once removed. On the loop. */
    SessionView view() {
        SessionView.Status status = viewStatus();
        if (status == null) {
            return null;
        }
        long seen = state == SessionState.DISCONNECTED ? lastSeenNanos : supervision.lastHeardNanos();
        java.time.Duration since = seen == NEVER_SEEN ? null
                : java.time.Duration.ofNanos(Math.max(0, ctx.loops.nanoTime() - seen));
        return new SessionView(clientId, status, linkKind(), address == null ? null : address.toString(), since,
                subscriptions.filters().size(), deliveries.pending());
    }

    /** Where the client stands in an operator's words; null once removed. On the loop. */
    SessionView.Status viewStatus() {
        return switch (state) {
            case CONNECTING -> SessionView.Status.CONNECTING;
            case ACTIVE -> SessionView.Status.ACTIVE;
            case ASLEEP -> SessionView.Status.ASLEEP;
            case AWAKE -> SessionView.Status.AWAKE;
            case DISCONNECTED -> lost ? SessionView.Status.LOST : SessionView.Status.DISCONNECTED;
            case REMOVED -> null;
        };
    }

    /** The kind of link its client is on; null without an address. On the loop. */
    String linkKind() {
        return address == null ? null : link.kind();
    }

    @Override
    public String toString() {
        return "Session[" + clientId + ", " + state + ", " + address + "]";
    }
}
