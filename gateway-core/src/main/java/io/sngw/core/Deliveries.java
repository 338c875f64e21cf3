package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.topic.TopicRegistry;
import io.sngw.core.upstream.UpstreamMessage;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Broker → client: one session's messages on their way to its client. The queue of what is not sent yet, the
 * in-flight window of what waits for PUBACK, PUBREC, PUBCOMP or REGACK, retries with DUP every T_retry, the gateway
 * REGISTERs a topic without an id needs first, and message ids that stay with a message until it is acknowledged.
 * Lives on its {@link Session}'s loop, like everything of the session; asks the session whether its client listens.
 */
final class Deliveries {
    private static final System.Logger LOG = System.getLogger(Deliveries.class.getName());

    private final Session session;
    private final String clientId;
    private final GatewayContext ctx;
    private final TopicRegistry registry;
    /** Topic names whose gateway REGISTER has not been acknowledged yet: the client cannot use their id. */
    private final Set<String> unconfirmedTopics = new HashSet<>();
    /** Broker → client: messages not yet sent (window full, REGISTER pending, client asleep). */
    /** Small at first: most of 100k sessions are asleep with nothing queued, and ArrayDeque starts at 17 slots. */
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>(2);
    /**
     * Broker → client: what waits for an acknowledgement from the client, by message id, in the order it was first
     * sent: after a reconnect the unacknowledged messages are resent in that order.
     */
    private final Map<Integer, Awaiting> awaiting = new LinkedHashMap<>();
    /**
     * Message ids of queued deliveries that were sent before (and go out again with the same id): no new message may
     * take them. Null while there are none, which is almost always.
     */
    private Set<Integer> idsOfQueued;
    private int publishesInFlight;
    private int nextMsgId = 1;
    /** Numbers this client's messages in the store; 0 means a delivery that is not stored. */
    private long lastPendingSeq;
    private boolean overflowLogged;

    /**
     * A message from the broker on its way to this client, at the QoS it will be sent with; {@code seq} is its key
     * in the store, 0 when it is not stored (QoS 0 to a client that is awake). {@code msgId} is the id it was sent
     * with (0: never sent), {@code released} whether a QoS 2 one is past PUBREC: a resend repeats the id with DUP, or
     * resumes with PUBREL, as MQTT-SN 1.2 §6.13 and MQTT 3.1.1 §4.4 ask, so that the client knows the repeat.
     */
    private record Delivery(String topic, byte[] payload, int qos, boolean retain, boolean retriedAfterInvalidId, long seq,
                            int msgId, boolean released) {
        /** Sent again after the client rejected its topic id: a new PUBLISH, with a new id. */
        Delivery retried() {
            return new Delivery(topic, payload, qos, retain, true, seq, 0, false);
        }

        Delivery sentAs(int id) {
            return new Delivery(topic, payload, qos, retain, retriedAfterInvalidId, seq, id, false);
        }

        Delivery releasedNow() {
            return new Delivery(topic, payload, qos, retain, retriedAfterInvalidId, seq, msgId, true);
        }
    }

    private enum AwaitKind { PUBACK, PUBREC, PUBCOMP, REGACK }

    /** A message sent to the client that it must answer; resent with DUP until answered or N_retry runs out. */
    private static final class Awaiting {
        AwaitKind kind;
        MqttSnMessage message;
        Delivery delivery;
        int retries;
        ScheduledFuture<?> timer;

        Awaiting(AwaitKind kind, MqttSnMessage message, Delivery delivery) {
            this.kind = kind;
            this.message = message;
            this.delivery = delivery;
        }
    }

    Deliveries(Session session, String clientId, GatewayContext ctx, TopicRegistry registry) {
        this.session = session;
        this.clientId = clientId;
        this.ctx = ctx;
        this.registry = registry;
    }

    /** What the store kept for this client (buffered, or sent and not acknowledged), in order, with its ids. */
    void restore(List<PendingMessage> pending) {
        for (PendingMessage p : pending) {
            queue.addLast(new Delivery(p.topic(), p.payload(), p.qos(), p.retain(), false, p.seq(), p.msgId(),
                    p.released()));
            if (p.msgId() != 0) {
                holdId(p.msgId());
            }
            lastPendingSeq = Math.max(lastPendingSeq, p.seq());
        }
    }

    /** Nothing waits to be sent and nothing waits for the client's answer. */
    boolean idle() {
        return queue.isEmpty() && publishesInFlight == 0;
    }

    /** Messages for the client: queued, or sent and waiting for its answer (what an operator sees as pending). */
    int pending() {
        return queue.size() + publishesInFlight;
    }

    /** The client used or was given {@code topic}'s id (its REGISTER, a SUBSCRIBE): no gateway REGISTER is pending. */
    void confirmed(String topic) {
        unconfirmedTopics.remove(topic);
    }

    /** Topics whose gateway REGISTER the client has not acknowledged: their ids are not the client's yet. */
    Set<String> unconfirmedTopics() {
        return unconfirmedTopics;
    }

    /** CleanSession, or the session's end: everything queued or in flight goes, and the store forgets it. */
    void clear() {
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
        idsOfQueued = null;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** QoS 1/2, and everything for a client that cannot take it now, is stored until the client has it. */
    void enqueue(UpstreamMessage message, int qos, boolean listening) {
        if (queue.size() >= ctx.options.maxBufferedPerClient()) {
            discard(queue.pollFirst());
            ctx.metrics.increment(Counter.BUFFER_OVERFLOW_DROPPED);
            if (!overflowLogged) {
                overflowLogged = true;
                LOG.log(Level.WARNING, "client {0}: more than {1} messages waiting, dropping the oldest (counted in "
                        + "buffer.overflow.dropped; logged once per client)", clientId, ctx.options.maxBufferedPerClient());
            }
        }
        boolean store = qos > 0 || !listening;
        if (store && !ctx.budgets.keptMessages().tryTake()) {
            ctx.metrics.increment(Counter.KEPT_OVER_BUDGET_DROPPED);
            return;
        }
        long seq = store ? ++lastPendingSeq : 0;
        Delivery delivery = new Delivery(message.topic(), message.payload(), qos, message.retain(), false, seq, 0, false);
        if (store) {
            ctx.store.savePending(new PendingMessage(clientId, seq, delivery.topic(), delivery.payload(), qos,
                    delivery.retain()));
        }
        queue.addLast(delivery);
    }

    /** The client has the message, or it is dropped: either way the store forgets it. */
    void discard(Delivery delivery) {
        if (delivery != null && delivery.msgId() != 0) {
            releaseId(delivery.msgId());
        }
        if (delivery != null && delivery.seq() != 0) {
            ctx.store.deletePending(clientId, delivery.seq());
            ctx.budgets.keptMessages().release(1);
        }
    }

    /**
     * Sends what the in-flight window allows, in order; a topic without an id first gets a REGISTER. Only for a client
     * that is listening: {@link Session#pump()} decides that.
     */
    void sendWhatTheWindowAllows() {
        while (!queue.isEmpty() && publishesInFlight < ctx.options.maxInflight()) {
            Delivery next = queue.peekFirst();
            if (next.released()) {
                queue.pollFirst();
                resumeRelease(next); // the client has the message: no topic id is needed to finish
                continue;
            }
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
            session.send(new Publish(false, 0, delivery.retain(), ref, 0, delivery.payload()));
            discard(delivery);
            return;
        }
        boolean resend = delivery.msgId() != 0;
        int msgId;
        if (resend) {
            msgId = delivery.msgId();
            releaseId(msgId);
        } else {
            msgId = allocateMsgId();
            delivery = delivery.sentAs(msgId);
            saveDeliveryState(delivery);
        }
        Publish publish = new Publish(resend, delivery.qos(), delivery.retain(), ref, msgId, delivery.payload());
        Awaiting a = new Awaiting(delivery.qos() == 1 ? AwaitKind.PUBACK : AwaitKind.PUBREC, publish, delivery);
        awaiting.put(msgId, a);
        publishesInFlight++;
        if (delivery.qos() == 2 && !resend) {
            transmitOnceStored(msgId, a);
        } else {
            // QoS 1 may arrive twice: a crash before its id is on disk costs a resend under a new id, no more.
            transmit(msgId, a);
        }
    }

    /** A QoS 2 delivery the client answered with PUBREC before it was interrupted: it goes on with PUBREL. */
    private void resumeRelease(Delivery delivery) {
        int msgId = delivery.msgId();
        releaseId(msgId);
        Awaiting a = new Awaiting(AwaitKind.PUBCOMP, new PubRel(msgId), delivery);
        awaiting.put(msgId, a);
        publishesInFlight++;
        transmit(msgId, a);
    }

    private void saveDeliveryState(Delivery delivery) {
        if (delivery.seq() != 0) {
            ctx.store.saveDeliveryState(clientId, delivery.seq(), delivery.msgId(), delivery.released());
        }
    }

    /**
     * Exactly once across a crash: a QoS 2 PUBLISH (or PUBREL) leaves only once the store has its id (or its
     * release). Otherwise a restarted gateway would send it under a new id (or the PUBLISH again where the client had
     * already completed it), and the client would deliver it twice.
     */
    private void transmitOnceStored(int msgId, Awaiting a) {
        ctx.store.flush().whenCompleteAsync((committed, notCommitted) -> {
            if (notCommitted != null) {
                LOG.log(Level.WARNING, "client {0}: state of QoS 2 delivery {1} not stored ({2}); after a crash it"
                        + " could reach the client twice", clientId, msgId, notCommitted.toString());
            }
            if (awaiting.get(msgId) == a && a.timer == null && session.isListening()) {
                transmit(msgId, a);
            }
        }, session::post);
    }

    /** Sends now and arms T_retry; a resend of a PUBLISH carries DUP. */
    private void transmit(int msgId, Awaiting a) {
        session.send(a.message);
        a.timer = session.loop.schedule(() -> session.post(() -> retry(msgId, a)), ctx.options.retryInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void retry(int msgId, Awaiting a) {
        if (awaiting.get(msgId) != a || session.isRemoved()) {
            return;
        }
        if (a.retries >= ctx.options.maxRetries()) {
            session.lose("no answer to " + a.message.type() + " after " + a.retries + " retries");
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

    void onPubAck(PubAck pubAck) {
        Awaiting a = awaiting.get(pubAck.msgId());
        if (a == null || (a.kind != AwaitKind.PUBACK && a.kind != AwaitKind.PUBREC)) {
            return;
        }
        complete(pubAck.msgId(), a.kind);
        if (pubAck.returnCode() == ReturnCode.INVALID_TOPIC_ID
                && ((Publish) a.message).topic() instanceof TopicRef.Registered registered) {
            // The client forgot the id (it restarted): register again and resend, once.
            registry.forget(registered.id());
            session.save();
            if (!a.delivery.retriedAfterInvalidId()) {
                queue.addFirst(a.delivery.retried());
                session.pump();
                return;
            }
        } else if (pubAck.returnCode() != ReturnCode.ACCEPTED) {
            ctx.metrics.increment(Counter.PUBLISH_OUT_DROPPED);
        }
        discard(a.delivery);
        session.pump();
    }

    void onPubRec(PubRec pubRec) {
        Awaiting a = awaiting.get(pubRec.msgId());
        if (a == null) {
            return;
        }
        if (a.kind == AwaitKind.PUBREC) {
            cancel(a.timer);
            a.timer = null;
            a.kind = AwaitKind.PUBCOMP;
            a.message = new PubRel(pubRec.msgId());
            a.retries = 0;
            a.delivery = a.delivery.releasedNow();
            saveDeliveryState(a.delivery);
            transmitOnceStored(pubRec.msgId(), a);
        } else if (a.kind == AwaitKind.PUBCOMP && a.timer != null) {
            session.send(a.message); // our PUBREL was lost
        }
    }

    void onPubComp(PubComp pubComp) {
        Awaiting a = complete(pubComp.msgId(), AwaitKind.PUBCOMP);
        if (a != null) {
            discard(a.delivery);
            session.pump();
        }
    }

    void onRegAck(RegAck regAck) {
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
        session.save();
        session.pump();
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
            if (!awaiting.containsKey(id) && (idsOfQueued == null || !idsOfQueued.contains(id))) {
                return id;
            }
        }
        throw new IllegalStateException("no free message id"); // unreachable: maxInflight < 65535
    }

    /** A queued delivery keeps the id it was sent with: no other message may take it meanwhile. */
    private void holdId(int msgId) {
        if (idsOfQueued == null) {
            idsOfQueued = new HashSet<>(4);
        }
        idsOfQueued.add(msgId);
    }

    private void releaseId(int msgId) {
        if (idsOfQueued != null && idsOfQueued.remove(msgId) && idsOfQueued.isEmpty()) {
            idsOfQueued = null;
        }
    }

    /**
     * Messages sent but not acknowledged go back to the head of the queue, in the order they were sent, to be sent
     * again with their id and DUP (or PUBREL) once the client is back. A REGISTER is not kept: it is asked again.
     */
    void requeueInFlight() {
        ArrayDeque<Delivery> unacknowledged = new ArrayDeque<>();
        for (Awaiting a : awaiting.values()) {
            cancel(a.timer);
            if (a.delivery != null) {
                unacknowledged.add(a.delivery);
                holdId(a.delivery.msgId());
            }
        }
        awaiting.clear();
        unconfirmedTopics.forEach(topic -> registry.forget(registry.existingId(topic)));
        unconfirmedTopics.clear();
        publishesInFlight = 0;
        unacknowledged.descendingIterator().forEachRemaining(queue::addFirst);
    }

    /** An offline persistent session keeps QoS 1 and 2 only, as MQTT does. */
    void dropQos0() {
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (d.qos() == 0) {
                it.remove();
                discard(d);
            }
        }
    }
}
