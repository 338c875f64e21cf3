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
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
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
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT-SN client at the gateway: its state machine, topic ids, subscriptions, QoS flows in both directions,
 * keep-alive and sleep supervision, and its will. Every method runs on {@link #loop}, the session's owner; other
 * threads reach it only through {@link #post}.
 */
final class Session {
    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    /**
     * How long after a SUBSCRIBE retained messages from the broker count as answers to it. MQTT 3.1.1 sets the
     * retain flag only on messages sent because of a new subscription, but the aggregated broker connection
     * cannot say for which sensor: the sensors that subscribed recently get them, the others do not.
     */
    private static final long RETAINED_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String clientId;
    final ScheduledExecutorService loop;
    private final GatewayContext ctx;

    private Link link;
    private LinkAddress address;
    private SessionState state = SessionState.DISCONNECTED;
    private boolean cleanSession = true;
    private int keepAliveSeconds;
    private int sleepSeconds;
    private long lastHeardNanos;
    private ScheduledFuture<?> supervision;
    /** Whether the link of its last CONNECT proved the client id: then only the same proof may take it over. */
    private boolean proved;
    /** What the client may publish and subscribe to, from its device's ACL at its last CONNECT. */
    private ClientGrants grants = ClientGrants.ALL;

    private Will will;
    private WillTopic pendingWillTopic;
    private ScheduledFuture<?> willDialogueRetry;
    private int willDialogueAttempts;

    private final TopicRegistry registry;
    /** Topic names whose gateway REGISTER has not been acknowledged yet: the client cannot use their id. */
    private final Set<String> unconfirmedTopics = new HashSet<>();
    private final Map<String, Subscription> subscriptions = new HashMap<>();

    /** Client → broker: message ids of QoS 1/2 publishes the broker has not acknowledged yet. */
    private final Set<Integer> awaitingBroker = new HashSet<>();
    /** Client → broker: QoS 2 message ids answered with PUBREC, waiting for the client's PUBREL. */
    private final Set<Integer> awaitingPubRel = new HashSet<>();

    /** Broker → client: messages not yet sent (window full, REGISTER pending, client asleep). */
    /** Small at first: most of 100k sessions are asleep with nothing queued, and ArrayDeque starts at 17 slots. */
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>(2);
    /** Broker → client: what waits for an acknowledgement from the client, by message id. */
    private final Map<Integer, Awaiting> awaiting = new HashMap<>();
    private int publishesInFlight;
    private int nextMsgId = 1;
    /** Numbers this client's messages in the store; 0 means a delivery that is not stored. */
    private long lastPendingSeq;
    private boolean saveScheduled;
    private boolean overflowLogged;
    /** Awake, and the upstream is still fetching what its broker kept for this sensor: no PINGRESP yet. */
    private boolean upstreamWaking;

    private static final class Subscription {
        int qos;
        long freshUntilNanos;
        /** Topics whose retained message this subscription already got since its last SUBSCRIBE. */
        /** Null until a retained message is delivered: few subscriptions ever see one. */
        Set<String> retainedDelivered;

        /** Whether this SUBSCRIBE has not had the retained message of {@code topic} yet; records that it now has. */
        boolean firstRetained(String topic) {
            if (retainedDelivered == null) {
                retainedDelivered = new HashSet<>(4);
            }
            return retainedDelivered.add(topic);
        }

        Subscription(int qos, long freshUntilNanos) {
            this.qos = qos;
            this.freshUntilNanos = freshUntilNanos;
        }
    }

    /**
     * A message from the broker on its way to this client, at the QoS it will be sent with; {@code seq} is its key
     * in the store, 0 when it is not stored (QoS 0 to a client that is awake).
     */
    private record Delivery(String topic, byte[] payload, int qos, boolean retain, boolean retriedAfterInvalidId, long seq) {
        Delivery retried() {
            return new Delivery(topic, payload, qos, retain, true, seq);
        }
    }

    private enum AwaitKind { PUBACK, PUBREC, PUBCOMP, REGACK }

    /** A message sent to the client that it must answer; resent with DUP until answered or N_retry runs out. */
    private static final class Awaiting {
        AwaitKind kind;
        MqttSnMessage message;
        final Delivery delivery;
        int retries;
        ScheduledFuture<?> timer;

        Awaiting(AwaitKind kind, MqttSnMessage message, Delivery delivery) {
            this.kind = kind;
            this.message = message;
            this.delivery = delivery;
        }
    }

    Session(String clientId, ScheduledExecutorService loop, GatewayContext ctx) {
        this.clientId = clientId;
        this.loop = loop;
        this.ctx = ctx;
        this.registry = new TopicRegistry(ctx.options.maxTopicsPerClient(), ctx.budgets.registrations());
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
        requeueInFlight();
        if (connect.cleanSession()) {
            clearState();
        }
        cleanSession = connect.cleanSession();
        keepAliveSeconds = connect.duration();
        lastHeardNanos = System.nanoTime();
        if (connect.will()) {
            state = SessionState.CONNECTING;
            pendingWillTopic = null;
            willDialogueAttempts = 0;
            sendWillDialogue(new WillTopicReq());
        } else {
            if (connect.cleanSession()) {
                will = null;
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

    private void sendWillDialogue(MqttSnMessage request) {
        send(request);
        willDialogueRetry = loop.schedule(() -> post(() -> {
            if (state != SessionState.CONNECTING) {
                return;
            }
            if (willDialogueAttempts++ >= ctx.options.maxRetries()) {
                LOG.log(Level.INFO, "client {0}: will dialogue abandoned after {1} retries", clientId, willDialogueAttempts - 1);
                endConnection(false);
                return;
            }
            sendWillDialogue(request);
        }), ctx.options.retryInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onWillTopic(WillTopic willTopic) {
        if (state != SessionState.CONNECTING) {
            return;
        }
        cancel(willDialogueRetry);
        if (willTopic.isEmpty()) {
            will = null;
            accept();
            return;
        }
        if (!TopicFilter.isValidName(willTopic.topic()) || !grants.mayPublish(willTopic.topic())) {
            send(new ConnAck(ReturnCode.NOT_SUPPORTED));
            endConnection(false);
            return;
        }
        pendingWillTopic = willTopic;
        willDialogueAttempts = 0;
        sendWillDialogue(new WillMsgReq());
    }

    private void onWillMsg(WillMsg willMsg) {
        if (state != SessionState.CONNECTING || pendingWillTopic == null) {
            return;
        }
        cancel(willDialogueRetry);
        will = new Will(pendingWillTopic.topic(), willMsg.message(), pendingWillTopic.qos(), pendingWillTopic.retain());
        pendingWillTopic = null;
        accept();
    }

    private void accept() {
        if (!ctx.upstream.sensorConnected(new SensorConnection(origin(), cleanSession, keepAliveSeconds,
                will == null ? null : will.toUpstream(origin())))) {
            ctx.metrics.increment(Counter.CONNECTS_REFUSED_UPSTREAM);
            LOG.log(Level.INFO, "client {0}: CONNECT refused, no upstream connection left for it", clientId);
            send(new ConnAck(ReturnCode.CONGESTION));
            endConnection(false);
            return;
        }
        state = SessionState.ACTIVE;
        if (keepAliveSeconds == 0) {
            ctx.idleSessions.idle(this, lastHeardNanos); // nothing supervises it: it may give way, and expires idle
        }
        save();
        send(new ConnAck(ReturnCode.ACCEPTED));
        armSupervision();
        pump();
    }

    // ---------------------------------------------------------------- messages from the client

    void onMessage(LinkAddress from, MqttSnMessage message) {
        if (state == SessionState.REMOVED) {
            return;
        }
        if (!from.equals(address)) {
            // Queued before a takeover moved the client elsewhere: this address has no session any more.
            ctx.send(link, from, new Disconnect());
            ctx.metrics.increment(Counter.NO_SESSION_DISCONNECT_SENT);
            return;
        }
        lastHeardNanos = System.nanoTime();
        if (keepAliveSeconds == 0) {
            ctx.idleSessions.heard(this, lastHeardNanos);
        }
        switch (message.type()) {
            case WILLTOPIC -> onWillTopic((WillTopic) message);
            case WILLMSG -> onWillMsg((WillMsg) message);
            case REGISTER -> onRegister((Register) message);
            case REGACK -> onRegAck((RegAck) message);
            case PUBLISH -> onPublish((Publish) message);
            case PUBACK -> onPubAck((PubAck) message);
            case PUBREC -> onPubRec((PubRec) message);
            case PUBREL -> onPubRel((PubRel) message);
            case PUBCOMP -> onPubComp((PubComp) message);
            case SUBSCRIBE -> onSubscribe((Subscribe) message);
            case UNSUBSCRIBE -> onUnsubscribe((Unsubscribe) message);
            case PINGREQ -> onPing();
            case DISCONNECT -> onDisconnect((Disconnect) message);
            case WILLTOPICUPD -> onWillTopicUpdate((WillTopicUpd) message);
            case WILLMSGUPD -> onWillMsgUpdate((WillMsgUpd) message);
            default -> LOG.log(Level.DEBUG, "client {0}: ignoring {1}", clientId, message.type());
        }
    }

    private boolean connected() {
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
        unconfirmedTopics.remove(name);
        save();
        send(new RegAck(id, register.msgId(), ReturnCode.ACCEPTED));
        pump();
    }

    /** QoS 0, 1 and 2; QoS -1 never reaches a session (the gateway forwards it statelessly). */
    private void onPublish(Publish publish) {
        if (!connected()) {
            return;
        }
        int qos = publish.qos();
        String topic = topicNameOf(publish.topic());
        if (topic == null) {
            // QoS 0 gets the PUBACK too: it is the only way to tell the sensor to register again.
            ctx.metrics.increment(Counter.PUBLISH_IN_REJECTED_INVALID_TOPIC);
            send(new PubAck(publish.topic().idField(), publish.msgId(), ReturnCode.INVALID_TOPIC_ID));
            return;
        }
        if (!grants.mayPublish(topic)) {
            // 0x02 tells the sensor the topic is not usable; QoS 0 is dropped silently, as the issue asks.
            ctx.metrics.increment(Counter.PUBLISH_IN_REFUSED_ACL);
            LOG.log(Level.DEBUG, "client {0}: publish to {1} refused by its ACL", clientId, topic);
            if (qos > 0) {
                send(new PubAck(publish.topic().idField(), publish.msgId(), ReturnCode.INVALID_TOPIC_ID));
            }
            return;
        }
        if (publish.data().length > ctx.options.maxPayload()) {
            reject(publish, "payload of " + publish.data().length + " bytes over the limit of " + ctx.options.maxPayload());
            return;
        }
        UpstreamMessage upstream = new UpstreamMessage(topic, publish.data(), qos, publish.retain(), origin());
        if (qos > 0) {
            publishAcknowledged(publish, upstream);
            return;
        }
        ctx.metrics.increment(Counter.PUBLISH_IN_QOS0);
        ctx.publishUnacknowledged(upstream);
    }

    /** QoS 1 and 2: the sensor hears PUBACK/PUBREC only once the broker has the message. */
    private void publishAcknowledged(Publish publish, UpstreamMessage upstream) {
        int msgId = publish.msgId();
        if (publish.qos() == 2 && awaitingPubRel.contains(msgId)) {
            send(new PubRec(msgId));
            return;
        }
        if (awaitingBroker.contains(msgId)) {
            return; // a DUP of a message the broker has not acknowledged yet: its answer is on the way
        }
        if (awaitingBroker.size() >= ctx.options.maxInflight()) {
            reject(publish, "more than " + ctx.options.maxInflight() + " publishes in flight");
            return;
        }
        ctx.metrics.increment(publish.qos() == 1 ? Counter.PUBLISH_IN_QOS1 : Counter.PUBLISH_IN_QOS2);
        awaitingBroker.add(msgId);
        int idField = publish.topic().idField();
        ctx.upstream.publish(upstream).whenCompleteAsync((ok, failure) -> {
            awaitingBroker.remove(msgId);
            if (state == SessionState.REMOVED || address == null) {
                return;
            }
            if (failure != null) {
                ctx.metrics.increment(Counter.PUBLISH_IN_REJECTED_CONGESTION);
                send(new PubAck(idField, msgId, ReturnCode.CONGESTION));
            } else if (publish.qos() == 1) {
                send(new PubAck(idField, msgId, ReturnCode.ACCEPTED));
            } else {
                awaitingPubRel.add(msgId);
                // One row, not the whole session: this runs for every QoS 2 PUBLISH. PUBREC waits for its commit: a
                // sensor that repeats the PUBLISH (DUP) after a crash must find the id, or the broker gets it twice.
                ctx.store.saveAwaitingPubRel(clientId, msgId);
                ctx.store.flush().whenCompleteAsync((committed, notCommitted) -> {
                    if (notCommitted != null) {
                        LOG.log(Level.WARNING, "client {0}: QoS 2 message id {1} not stored ({2}); a DUP of it after"
                                + " a crash would reach the broker twice", clientId, msgId, notCommitted.toString());
                    }
                    if (state != SessionState.REMOVED && address != null) {
                        send(new PubRec(msgId));
                    }
                }, this::post);
            }
        }, this::post);
    }

    private void reject(Publish publish, String why) {
        LOG.log(Level.DEBUG, "client {0}: publish rejected: {1}", clientId, why);
        if (publish.qos() > 0) {
            ctx.metrics.increment(Counter.PUBLISH_IN_REJECTED_CONGESTION);
            send(new PubAck(publish.topic().idField(), publish.msgId(), ReturnCode.CONGESTION));
        } else {
            ctx.metrics.increment(Counter.PUBLISH_IN_DROPPED);
        }
    }

    private void onPubRel(PubRel pubRel) {
        if (awaitingPubRel.remove(pubRel.msgId())) {
            ctx.store.deleteAwaitingPubRel(clientId, pubRel.msgId());
        }
        send(new PubComp(pubRel.msgId()));
    }

    private void onSubscribe(Subscribe subscribe) {
        if (!connected()) {
            return;
        }
        int msgId = subscribe.msgId();
        String filter;
        int topicId;
        TopicRef ref = subscribe.topic();
        if (ref instanceof TopicRef.Name name) {
            filter = name.name();
            if (!TopicFilter.isValidFilter(filter)) {
                rejectSubscribe(msgId, ReturnCode.NOT_SUPPORTED, "invalid filter " + filter);
                return;
            }
            if (TopicFilter.hasWildcard(filter)) {
                topicId = 0;
            } else {
                topicId = registry.idFor(filter);
                if (topicId < 0) {
                    rejectSubscribe(msgId, ReturnCode.CONGESTION, "topic registry full");
                    return;
                }
                unconfirmedTopics.remove(filter);
            }
        } else if (ref instanceof TopicRef.Predefined predefined) {
            filter = ctx.options.predefinedTopics().get(predefined.id());
            if (filter == null) {
                rejectSubscribe(msgId, ReturnCode.INVALID_TOPIC_ID, "unknown predefined id " + predefined.id());
                return;
            }
            topicId = predefined.id();
        } else {
            filter = ((TopicRef.Short) ref).name();
            topicId = 0;
        }
        if (!grants.maySubscribe(filter)) {
            ctx.metrics.increment(Counter.SUBSCRIBE_REFUSED_ACL);
            LOG.log(Level.DEBUG, "client {0}: subscribe to {1} refused by its ACL", clientId, filter);
            send(new SubAck(0, 0, msgId, ReturnCode.NOT_SUPPORTED));
            return;
        }
        boolean existed = subscriptions.containsKey(filter);
        if (!existed && subscriptions.size() >= ctx.options.maxSubscriptionsPerClient()) {
            rejectSubscribe(msgId, ReturnCode.CONGESTION, "more than " + ctx.options.maxSubscriptionsPerClient() + " subscriptions");
            return;
        }
        if (!existed && !ctx.budgets.subscriptions().tryTake()) {
            rejectSubscribe(msgId, ReturnCode.CONGESTION, "the gateway's subscription budget is spent");
            return;
        }
        int qos = subscribe.qos();
        Subscription subscription = subscriptions.computeIfAbsent(filter, f -> new Subscription(qos, 0));
        subscription.qos = qos;
        subscription.freshUntilNanos = System.nanoTime() + RETAINED_WINDOW_NANOS;
        subscription.retainedDelivered = null;
        if (!existed) {
            ctx.router.add(filter, this);
        }
        // Even a repeated subscription goes to the broker: that is what makes it send the retained messages again.
        ctx.upstream.subscribe(origin(), filter, qos).whenCompleteAsync((granted, failure) -> {
            if (failure == null && (existed || state == SessionState.REMOVED)) {
                ctx.upstream.unsubscribe(origin(), filter); // hold one broker reference per session and filter, no more
            }
            if (state == SessionState.REMOVED) {
                return;
            }
            if (failure != null) {
                if (!existed) {
                    subscriptions.remove(filter);
                    ctx.budgets.subscriptions().release(1);
                    ctx.router.remove(filter, this);
                }
                rejectSubscribe(msgId, ReturnCode.CONGESTION, "broker: " + failure.getMessage());
                return;
            }
            int grantedQos = Math.min(qos, granted);
            subscription.qos = grantedQos;
            save();
            send(new SubAck(grantedQos, topicId, msgId, ReturnCode.ACCEPTED));
        }, this::post);
    }

    private void rejectSubscribe(int msgId, ReturnCode code, String why) {
        LOG.log(Level.DEBUG, "client {0}: subscribe rejected: {1}", clientId, why);
        ctx.metrics.increment(Counter.SUBSCRIBE_REJECTED);
        send(new SubAck(0, 0, msgId, code));
    }

    private void onUnsubscribe(Unsubscribe unsubscribe) {
        String filter = ctx.nameWithoutRegistration(unsubscribe.topic());
        if (filter != null && unsubscribe(filter)) {
            save();
        }
        send(new UnsubAck(unsubscribe.msgId()));
    }

    /** @return whether the session held the subscription */
    private boolean unsubscribe(String filter) {
        if (subscriptions.remove(filter) == null) {
            return false;
        }
        ctx.budgets.subscriptions().release(1);
        ctx.router.remove(filter, this);
        ctx.upstream.unsubscribe(origin(), filter);
        return true;
    }

    private void onPing() {
        if (state == SessionState.AWAKE) {
            return; // the wake-up PINGREQ's answer comes once the buffer is drained
        }
        send(new PingResp());
    }

    /** PINGREQ carrying the client id: a sleeping client collects what was kept for it. */
    void onWake(Link fromLink, LinkAddress from) {
        if (state == SessionState.REMOVED) {
            return;
        }
        if (state != SessionState.ASLEEP && state != SessionState.AWAKE && state != SessionState.ACTIVE) {
            ctx.send(fromLink, from, new Disconnect());
            ctx.metrics.increment(Counter.NO_SESSION_DISCONNECT_SENT);
            return;
        }
        if (!LinkProof.mayWake(address, clientId, from)) {
            ctx.metrics.increment(Counter.WAKES_REFUSED);
            LOG.log(Level.DEBUG, "client {0}: PINGREQ from {1} refused: not its address, and that link proved nothing",
                    clientId, from);
            ctx.send(fromLink, from, new Disconnect());
            return;
        }
        if (!from.equals(address)) {
            ctx.sessionsByAddress.remove(address, this);
            bindAddress(fromLink, from);
        }
        lastHeardNanos = System.nanoTime();
        if (state == SessionState.ACTIVE) {
            send(new PingResp());
            return;
        }
        state = SessionState.AWAKE;
        armSupervision();
        awaitUpstreamWake();
        pump();
    }

    private void onDisconnect(Disconnect disconnect) {
        send(new Disconnect());
        if (disconnect.sleepDuration() == null) {
            endConnection(false);
            return;
        }
        sleepSeconds = disconnect.sleepDuration();
        state = SessionState.ASLEEP;
        ctx.upstream.sensorAsleep(origin());
        ctx.idleSessions.busy(this);
        requeueInFlight();
        save();
        armSupervision();
    }

    private void onWillTopicUpdate(WillTopicUpd update) {
        if (update.isEmpty()) {
            will = null;
        } else if (!TopicFilter.isValidName(update.topic()) || !grants.mayPublish(update.topic())) {
            send(new WillTopicResp(ReturnCode.NOT_SUPPORTED));
            return;
        } else {
            byte[] message = will == null ? new byte[0] : will.message();
            will = new Will(update.topic(), message, update.qos(), update.retain());
        }
        save();
        send(new WillTopicResp(ReturnCode.ACCEPTED));
    }

    private void onWillMsgUpdate(WillMsgUpd update) {
        if (will == null) {
            // No will topic yet: there is nothing to attach the message to; the client must send WILLTOPICUPD first.
            send(new WillMsgResp(ReturnCode.NOT_SUPPORTED));
            return;
        }
        will = new Will(will.topic(), update.message(), will.qos(), will.retain());
        save();
        send(new WillMsgResp(ReturnCode.ACCEPTED));
    }

    // ---------------------------------------------------------------- messages to the client

    /** A message from the broker that matched one of this session's filters. */
    void deliver(UpstreamMessage message) {
        if (state == SessionState.REMOVED) {
            return;
        }
        int qos = -1;
        boolean fresh = false;
        long now = System.nanoTime();
        for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
            if (TopicFilter.matches(e.getKey(), message.topic())) {
                Subscription s = e.getValue();
                qos = Math.max(qos, s.qos);
                if (now - s.freshUntilNanos < 0) {
                    // A retained message goes once per SUBSCRIBE: another sensor's SUBSCRIBE makes the broker resend it.
                    fresh |= !message.retain() || s.firstRetained(message.topic());
                } else {
                    s.retainedDelivered = null; // the window has passed: do not hold topic names for 100k sessions
                }
            }
        }
        if (qos < 0 || (message.retain() && !fresh)) {
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
        enqueue(message, effectiveQos);
        pump();
    }

    /** QoS 1/2, and everything for a client that cannot take it now, is stored until the client has it. */
    private void enqueue(UpstreamMessage message, int qos) {
        if (queue.size() >= ctx.options.maxBufferedPerClient()) {
            discard(queue.pollFirst());
            ctx.metrics.increment(Counter.BUFFER_OVERFLOW_DROPPED);
            if (!overflowLogged) {
                overflowLogged = true;
                LOG.log(Level.WARNING, "client {0}: more than {1} messages waiting, dropping the oldest (counted in "
                        + "buffer.overflow.dropped; logged once per client)", clientId, ctx.options.maxBufferedPerClient());
            }
        }
        boolean store = qos > 0 || (state != SessionState.ACTIVE && state != SessionState.AWAKE);
        if (store && !ctx.budgets.keptMessages().tryTake()) {
            ctx.metrics.increment(Counter.KEPT_OVER_BUDGET_DROPPED);
            return;
        }
        long seq = store ? ++lastPendingSeq : 0;
        Delivery delivery = new Delivery(message.topic(), message.payload(), qos, message.retain(), false, seq);
        if (store) {
            ctx.store.savePending(new PendingMessage(clientId, seq, delivery.topic(), delivery.payload(), qos,
                    delivery.retain()));
        }
        queue.addLast(delivery);
    }

    /** The client has the message, or it is dropped: either way the store forgets it. */
    private void discard(Delivery delivery) {
        if (delivery != null && delivery.seq() != 0) {
            ctx.store.deletePending(clientId, delivery.seq());
            ctx.budgets.keptMessages().release(1);
        }
    }

    /** Sends what the in-flight window allows, in order; a topic without an id first gets a REGISTER. */
    private void pump() {
        if (state != SessionState.ACTIVE && state != SessionState.AWAKE) {
            return;
        }
        while (!queue.isEmpty() && publishesInFlight < ctx.options.maxInflight()) {
            Delivery next = queue.peekFirst();
            TopicRef ref = topicRefFor(next.topic());
            if (ref == null) {
                if (!unconfirmedTopics.contains(next.topic()) && !startRegister(next.topic())) {
                    discard(queue.pollFirst());
                    ctx.metrics.increment(Counter.PUBLISH_OUT_DROPPED);
                    continue;
                }
                break; // order matters more than speed here: wait for the REGACK
            }
            queue.pollFirst();
            sendPublish(next, ref);
        }
        if (state == SessionState.AWAKE && !upstreamWaking && queue.isEmpty() && publishesInFlight == 0) {
            send(new PingResp());
            state = SessionState.ASLEEP;
            ctx.upstream.sensorAsleep(origin());
            armSupervision();
        }
    }

    private TopicRef topicRefFor(String topic) {
        int registered = registry.existingId(topic);
        if (registered > 0 && !unconfirmedTopics.contains(topic)) {
            return new TopicRef.Registered(registered); // the id the client was given (SUBACK, REGACK): it knows it
        }
        Integer predefined = ctx.predefinedIdsByName.get(topic);
        if (predefined != null) {
            return new TopicRef.Predefined(predefined);
        }
        if (topic.length() == 2 && topic.charAt(0) <= 0xFF && topic.charAt(1) <= 0xFF) {
            return new TopicRef.Short(topic);
        }
        return null;
    }

    private boolean startRegister(String topic) {
        int id = registry.idFor(topic);
        if (id < 0) {
            return false;
        }
        unconfirmedTopics.add(topic);
        int msgId = allocateMsgId();
        Awaiting a = new Awaiting(AwaitKind.REGACK, new Register(id, msgId, topic), null);
        awaiting.put(msgId, a);
        transmit(msgId, a);
        return true;
    }

    private void sendPublish(Delivery delivery, TopicRef ref) {
        ctx.metrics.increment(Counter.PUBLISH_OUT);
        if (delivery.qos() == 0) {
            send(new Publish(false, 0, delivery.retain(), ref, 0, delivery.payload()));
            discard(delivery);
            return;
        }
        int msgId = allocateMsgId();
        Publish publish = new Publish(false, delivery.qos(), delivery.retain(), ref, msgId, delivery.payload());
        Awaiting a = new Awaiting(delivery.qos() == 1 ? AwaitKind.PUBACK : AwaitKind.PUBREC, publish, delivery);
        awaiting.put(msgId, a);
        publishesInFlight++;
        transmit(msgId, a);
    }

    /** Sends now and arms T_retry; a resend of a PUBLISH carries DUP. */
    private void transmit(int msgId, Awaiting a) {
        send(a.message);
        a.timer = loop.schedule(() -> post(() -> retry(msgId, a)), ctx.options.retryInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void retry(int msgId, Awaiting a) {
        if (awaiting.get(msgId) != a || state == SessionState.REMOVED) {
            return;
        }
        if (a.retries >= ctx.options.maxRetries()) {
            lose("no answer to " + a.message.type() + " after " + a.retries + " retries");
            return;
        }
        a.retries++;
        if (a.message instanceof Publish p) {
            a.message = p.withDup();
            ctx.metrics.increment(Counter.PUBLISH_OUT_RETRIES);
        }
        transmit(msgId, a);
    }

    private Awaiting complete(int msgId, AwaitKind expected) {
        Awaiting a = awaiting.get(msgId);
        if (a == null || a.kind != expected) {
            return null;
        }
        awaiting.remove(msgId);
        cancel(a.timer);
        if (expected != AwaitKind.REGACK) {
            publishesInFlight--;
        }
        return a;
    }

    private void onPubAck(PubAck pubAck) {
        Awaiting a = awaiting.get(pubAck.msgId());
        if (a == null || (a.kind != AwaitKind.PUBACK && a.kind != AwaitKind.PUBREC)) {
            return;
        }
        complete(pubAck.msgId(), a.kind);
        if (pubAck.returnCode() == ReturnCode.INVALID_TOPIC_ID
                && ((Publish) a.message).topic() instanceof TopicRef.Registered registered) {
            // The client forgot the id (it restarted): register again and resend, once.
            registry.forget(registered.id());
            save();
            if (!a.delivery.retriedAfterInvalidId()) {
                queue.addFirst(a.delivery.retried());
                pump();
                return;
            }
        } else if (pubAck.returnCode() != ReturnCode.ACCEPTED) {
            ctx.metrics.increment(Counter.PUBLISH_OUT_DROPPED);
        }
        discard(a.delivery);
        pump();
    }

    private void onPubRec(PubRec pubRec) {
        Awaiting a = awaiting.get(pubRec.msgId());
        if (a == null) {
            return;
        }
        if (a.kind == AwaitKind.PUBREC) {
            cancel(a.timer);
            a.kind = AwaitKind.PUBCOMP;
            a.message = new PubRel(pubRec.msgId());
            a.retries = 0;
            transmit(pubRec.msgId(), a);
        } else if (a.kind == AwaitKind.PUBCOMP) {
            send(a.message); // our PUBREL was lost
        }
    }

    private void onPubComp(PubComp pubComp) {
        Awaiting a = complete(pubComp.msgId(), AwaitKind.PUBCOMP);
        if (a != null) {
            discard(a.delivery);
            pump();
        }
    }

    private void onRegAck(RegAck regAck) {
        Awaiting a = complete(regAck.msgId(), AwaitKind.REGACK);
        if (a == null) {
            return;
        }
        Register register = (Register) a.message;
        unconfirmedTopics.remove(register.topicName());
        if (regAck.returnCode() != ReturnCode.ACCEPTED) {
            registry.forget(register.topicId());
            dropQueued(register.topicName());
        }
        save();
        pump();
    }

    private void dropQueued(String topic) {
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (d.topic().equals(topic)) {
                it.remove();
                discard(d);
                ctx.metrics.increment(Counter.PUBLISH_OUT_DROPPED);
            }
        }
    }

    private int allocateMsgId() {
        for (int i = 0; i < 0xFFFF; i++) {
            int id = nextMsgId;
            nextMsgId = nextMsgId == 0xFFFF ? 1 : nextMsgId + 1;
            if (!awaiting.containsKey(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free message id"); // unreachable: maxInflight < 65535
    }

    /** Messages sent but not acknowledged go back to the head of the queue, to be sent again (with a new id). */
    private void requeueInFlight() {
        ArrayDeque<Delivery> unacknowledged = new ArrayDeque<>();
        for (Awaiting a : awaiting.values()) {
            cancel(a.timer);
            if (a.delivery != null) {
                unacknowledged.add(a.delivery);
            }
        }
        awaiting.clear();
        unconfirmedTopics.forEach(topic -> registry.forget(registry.existingId(topic)));
        unconfirmedTopics.clear();
        publishesInFlight = 0;
        unacknowledged.descendingIterator().forEachRemaining(queue::addFirst);
    }

    // ---------------------------------------------------------------- durability

    /**
     * Writes the session to the store once the current burst of work on the loop is done, so that a CONNECT with
     * its REGISTERs and SUBSCRIBEs costs one write, not one per step. Connecting sessions are not saved: a
     * CONNECT not yet accepted is not a session a restart should bring back.
     */
    private void save() {
        if (saveScheduled) {
            return;
        }
        saveScheduled = true;
        post(() -> {
            saveScheduled = false;
            SessionRecord record = record();
            if (record != null) {
                ctx.store.saveSession(record);
            }
        });
    }

    private SessionRecord record() {
        SessionRecord.Status status;
        switch (state) {
            case ACTIVE -> status = SessionRecord.Status.ACTIVE;
            case ASLEEP, AWAKE -> status = SessionRecord.Status.ASLEEP;
            case DISCONNECTED -> status = SessionRecord.Status.DISCONNECTED;
            default -> {
                return null;
            }
        }
        byte[] form = address == null ? null : PersistentAddress.of(link, address);
        Map<Integer, String> topics = new HashMap<>(registry.snapshot());
        unconfirmedTopics.forEach(name -> topics.remove(registry.existingId(name)));
        Map<String, Integer> filters = new HashMap<>();
        subscriptions.forEach((filter, sub) -> filters.put(filter, sub.qos));
        return new SessionRecord(clientId, cleanSession, status, keepAliveSeconds, sleepSeconds,
                form == null ? null : link.name(), form,
                will == null ? null : new SessionRecord.StoredWill(will.topic(), will.message(), will.qos(), will.retain()),
                topics, filters, awaitingPubRel);
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
        keepAliveSeconds = record.keepAliveSeconds();
        sleepSeconds = record.sleepSeconds();
        SessionRecord.StoredWill w = record.will();
        will = w == null ? null : new Will(w.topic(), w.message(), w.qos(), w.retain());
        record.topics().forEach(registry::restore);
        ctx.budgets.subscriptions().takeAnyway(record.subscriptions().size());
        ctx.budgets.keptMessages().takeAnyway(pending.size());
        record.subscriptions().forEach((filter, qos) -> {
            subscriptions.put(filter, new Subscription(qos, 0));
            ctx.router.add(filter, this);
            ctx.upstream.restoreSubscription(origin(), filter, qos);
        });
        awaitingPubRel.addAll(record.awaitingPubRel());
        for (PendingMessage p : pending) {
            queue.addLast(new Delivery(p.topic(), p.payload(), p.qos(), p.retain(), false, p.seq()));
            lastPendingSeq = Math.max(lastPendingSeq, p.seq());
        }
        if (from != null && record.status() != SessionRecord.Status.DISCONNECTED) {
            link = fromLink;
            address = from;
            ctx.sessionsByAddress.put(from, this);
            state = record.status() == SessionRecord.Status.ASLEEP ? SessionState.ASLEEP : SessionState.ACTIVE;
            // Its upstream connection (transparent mode) comes back with it, and rests again if it sleeps.
            ctx.upstream.sensorConnected(new SensorConnection(origin(), cleanSession, keepAliveSeconds,
                    will == null ? null : will.toUpstream(origin())));
            if (state == SessionState.ASLEEP) {
                ctx.upstream.sensorAsleep(origin());
            }
            lastHeardNanos = System.nanoTime();
            if (keepAliveSeconds == 0 && state == SessionState.ACTIVE) {
                ctx.idleSessions.idle(this, lastHeardNanos);
            }
            armSupervision();
            pump();
        } else if (!cleanSession) {
            state = SessionState.DISCONNECTED;
            dropQos0();
            becomeIdle(); // its idle time starts again: a restart cannot tell how long it had been away
        } else {
            remove();
        }
    }

    // ---------------------------------------------------------------- supervision, loss, removal

    private void armSupervision() {
        cancel(supervision);
        long timeoutNanos = supervisionTimeoutNanos();
        if (timeoutNanos <= 0) {
            supervision = null;
            return;
        }
        long remaining = lastHeardNanos + timeoutNanos - System.nanoTime();
        supervision = loop.schedule(() -> post(this::checkSupervision), Math.max(remaining, 0), TimeUnit.NANOSECONDS);
    }

    /** Keep-alive or sleep duration × the factor; for a session nothing supervises, limits.idle-expiry (0 = never). */
    private long supervisionTimeoutNanos() {
        int seconds = (state == SessionState.ASLEEP || state == SessionState.AWAKE) ? sleepSeconds : keepAliveSeconds;
        if (state == SessionState.DISCONNECTED || seconds == 0) {
            return ctx.options.budgets().idleExpiry().toNanos();
        }
        return (long) (TimeUnit.SECONDS.toNanos(seconds) * ctx.options.keepAliveFactor());
    }

    private void checkSupervision() {
        if (state != SessionState.DISCONNECTED && !connected()) {
            return;
        }
        if (System.nanoTime() - lastHeardNanos < supervisionTimeoutNanos()) {
            armSupervision();
        } else if (state == SessionState.DISCONNECTED) {
            LOG.log(Level.INFO, "client {0}: persistent session forgotten, its client away for {1} (limits.idle-expiry)",
                    clientId, ctx.options.budgets().idleExpiry());
            ctx.metrics.increment(Counter.SESSIONS_EXPIRED);
            remove();
        } else if (state == SessionState.ACTIVE) {
            lose(keepAliveSeconds == 0 ? "silent for limits.idle-expiry without a keep-alive" : "keep-alive expired");
        } else {
            lose(sleepSeconds == 0 ? "asleep for limits.idle-expiry without a sleep duration" : "sleep duration expired");
        }
    }

    /** Disconnected and persistent: nothing supervises it but the idle expiry, and it may give way to a new client. */
    private void becomeIdle() {
        lastHeardNanos = System.nanoTime();
        ctx.idleSessions.idle(this, lastHeardNanos);
        armSupervision();
    }

    /** The client vanished without DISCONNECT: its will goes to the broker. */
    private void lose(String reason) {
        LOG.log(Level.INFO, "client {0} lost: {1}", clientId, reason);
        ctx.metrics.increment(Counter.CLIENTS_LOST);
        endConnection(true);
    }

    private void endConnection(boolean publishWill) {
        boolean willAtBroker = ctx.upstream.sensorDisconnected(origin(), publishWill);
        if (publishWill && will != null && willAtBroker) {
            ctx.metrics.increment(Counter.WILLS_PUBLISHED); // by the broker, from the sensor's own connection
        } else if (publishWill && will != null) {
            ctx.upstream.publish(will.toUpstream(origin())).whenComplete((ok, failure) -> ctx.metrics.increment(
                    failure == null ? Counter.WILLS_PUBLISHED : Counter.WILLS_LOST));
        }
        stopTimers();
        requeueInFlight();
        unbindAddress();
        if (cleanSession) {
            remove();
        } else {
            state = SessionState.DISCONNECTED;
            dropQos0();
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
        List<String> dropped = subscriptions.keySet().stream().filter(filter -> !grants.maySubscribe(filter)).toList();
        dropped.forEach(this::unsubscribe);
        boolean willDropped = will != null && !grants.mayPublish(will.topic());
        if (willDropped) {
            will = null;
        }
        if (!dropped.isEmpty() || willDropped) {
            save();
        }
        LOG.log(Level.INFO, "client {0}: ACL changed, new grants applied{1}{2}", clientId,
                dropped.isEmpty() ? "" : "; dropped subscriptions it no longer may have: " + String.join(", ", dropped),
                willDropped ? "; dropped its will, to a topic it no longer may publish to" : "");
    }

    /** An offline persistent session keeps QoS 1 and 2 only, as MQTT does. */
    private void dropQos0() {
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (d.qos() == 0) {
                it.remove();
                discard(d);
            }
        }
    }

    /**
     * Max-clients are held and a new client asks in: this session, unsupervised the longest ({@link IdleSessions}),
     * makes room, unless it is supervised again by now.
     */
    void giveWay() {
        boolean unsupervised = state == SessionState.DISCONNECTED
                || (state == SessionState.ACTIVE && keepAliveSeconds == 0);
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
        for (String filter : subscriptions.keySet()) {
            ctx.router.remove(filter, this);
            ctx.upstream.unsubscribe(origin(), filter);
        }
        ctx.budgets.subscriptions().release(subscriptions.size());
        subscriptions.clear();
        registry.clear();
        unconfirmedTopics.clear();
        for (Awaiting a : awaiting.values()) {
            cancel(a.timer);
            if (a.delivery != null) {
                discard(a.delivery);
            }
        }
        awaiting.clear();
        publishesInFlight = 0;
        queue.forEach(this::discard);
        queue.clear();
        awaitingPubRel.clear();
    }

    private void stopTimers() {
        cancel(supervision);
        cancel(willDialogueRetry);
        supervision = null;
        willDialogueRetry = null;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void send(MqttSnMessage message) {
        if (address != null) {
            ctx.send(link, address, message);
        }
    }

    /** This sensor as the upstream sees it. */
    private ClientRef origin() {
        return new ClientRef(clientId, link == null ? null : link.kind());
    }

    /**
     * A sleeping sensor woke: where the upstream fetches what its broker kept for the sensor (transparent mode), the
     * wake's PINGRESP waits until that has been routed here. Through the router's queue, so that every message the
     * upstream handed over before completing is posted to this loop first.
     */
    private void awaitUpstreamWake() {
        CompletableFuture<Void> fetched = ctx.upstream.sensorAwake(origin());
        if (fetched.isDone()) {
            return;
        }
        upstreamWaking = true;
        fetched.whenComplete((ok, failure) -> ctx.router.afterRouted(() -> post(() -> {
            upstreamWaking = false;
            pump();
        })));
    }

    /** The topic name a PUBLISH refers to, or null where the id is unknown. */
    private String topicNameOf(TopicRef ref) {
        if (ref instanceof TopicRef.Registered registered) {
            return registry.name(registered.id());
        }
        return ctx.nameWithoutRegistration(ref);
    }

    @Override
    public String toString() {
        return "Session[" + clientId + ", " + state + ", " + address + "]";
    }
}
