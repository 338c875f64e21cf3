package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.upstream.UpstreamMessage;

import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Client → broker: one session's PUBLISHes at QoS 0, 1 and 2 on their way upstream, the window of those the broker
 * has not acknowledged, and the QoS 2 message ids waiting for the client's PUBREL (duplicate detection, stored).
 * Lives on its {@link Session}'s loop.
 */
final class InboundPublishes {
    private static final System.Logger LOG = System.getLogger(InboundPublishes.class.getName());

    private final Session session;
    private final String clientId;
    private final GatewayContext ctx;
    /** Message ids of QoS 1/2 publishes the broker has not acknowledged yet. */
    private final Set<Integer> awaitingBroker = new HashSet<>();
    /** QoS 2 message ids answered with PUBREC, waiting for the client's PUBREL. */
    private final Set<Integer> awaitingPubRel = new HashSet<>();
    /**
     * Those of {@link #awaitingPubRel} not written to the store: their PUBREL may still come within the write delay,
     * and then neither the row nor its delete is ever written.
     */
    private final Set<Integer> unwritten = new HashSet<>();

    InboundPublishes(Session session, String clientId, GatewayContext ctx) {
        this.session = session;
        this.clientId = clientId;
        this.ctx = ctx;
    }

    /**
     * The ids waiting for PUBREL, for the session's record, which is about to be saved: from here on each of them is
     * (or will be) on disk, so its PUBREL deletes its row.
     */
    Set<Integer> awaitingPubRel() {
        unwritten.clear();
        return awaitingPubRel;
    }

    void restore(Set<Integer> ids) {
        awaitingPubRel.addAll(ids);
    }

    /** CleanSession: the ids waiting for PUBREL are forgotten (the broker already has those messages). */
    void clear() {
        awaitingPubRel.clear();
        unwritten.clear();
    }

    /**
     * QoS 0, 1 and 2; QoS -1 never reaches a session (the gateway forwards it statelessly). {@code receivedNanos}: when
     * its datagram reached the gateway, which a QoS 0 message's age counts from.
     */
    void onPublish(Publish publish, long receivedNanos) {
        int qos = publish.qos();
        String topic = session.topicNameOf(publish.topic());
        if (topic == null) {
            // QoS 0 gets the PUBACK too: it is the only way to tell the sensor to register again.
            ctx.metrics.increment(Counter.PUBLISH_IN_REJECTED_INVALID_TOPIC);
            session.send(new PubAck(publish.topic().idField(), publish.msgId(), ReturnCode.INVALID_TOPIC_ID));
            return;
        }
        if (!session.grants().mayPublish(topic)) {
            // 0x02 tells the sensor the topic is not usable; QoS 0 is dropped silently, as the issue asks.
            ctx.metrics.increment(Counter.PUBLISH_IN_REFUSED_ACL);
            LOG.log(Level.DEBUG, "client {0}: publish to {1} refused by its ACL", clientId, topic);
            if (qos > 0) {
                session.send(new PubAck(publish.topic().idField(), publish.msgId(), ReturnCode.INVALID_TOPIC_ID));
            }
            return;
        }
        if (publish.data().length > ctx.options.maxPayload()) {
            reject(publish, "payload of " + publish.data().length + " bytes over the limit of " + ctx.options.maxPayload());
            return;
        }
        UpstreamMessage upstream = new UpstreamMessage(topic, publish.data(), qos, publish.retain(), session.origin())
                .receivedAt(receivedNanos);
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
            session.send(new PubRec(msgId));
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
            if (!session.isReachable()) {
                return;
            }
            if (failure != null) {
                ctx.metrics.increment(Counter.PUBLISH_IN_REJECTED_CONGESTION);
                session.send(new PubAck(idField, msgId, ReturnCode.CONGESTION));
            } else if (publish.qos() == 1) {
                session.send(new PubAck(idField, msgId, ReturnCode.ACCEPTED));
            } else {
                acceptedQos2(msgId);
            }
        }, session::post);
    }

    /**
     * A QoS 2 message has its first witness (the broker or the outbound queue on disk). Its id must survive a crash
     * only for a sensor that did not hear the PUBREC and repeats the PUBLISH (DUP) to a restarted gateway, so the first
     * witness rule applies: PUBREC now, and the id is written only if the PUBREL has not come within the write delay
     * (a sensor in lockstep answers in a round trip: no row, no delete). A write delay of zero (store.ack: after-store)
     * writes the id and sends PUBREC once it is committed.
     */
    private void acceptedQos2(int msgId) {
        awaitingPubRel.add(msgId);
        long delayNanos = ctx.options.pubRelWriteDelay().toNanos();
        if (delayNanos > 0) {
            unwritten.add(msgId);
            session.send(new PubRec(msgId));
            session.loop.schedule(() -> session.post(() -> writeIfStillAwaited(msgId)), delayNanos,
                    TimeUnit.NANOSECONDS);
            return;
        }
        // One row, not the whole session: this runs for every QoS 2 PUBLISH. PUBREC waits for its commit: a sensor
        // that repeats the PUBLISH (DUP) after a crash must find the id, or the broker gets it twice.
        ctx.store.saveAwaitingPubRel(clientId, msgId);
        ctx.store.flush().whenCompleteAsync((committed, notCommitted) -> {
            if (notCommitted != null) {
                LOG.log(Level.WARNING, "client {0}: QoS 2 message id {1} not stored ({2}); a DUP of it after"
                        + " a crash would reach the broker twice", clientId, msgId, notCommitted.toString());
            }
            if (session.isReachable()) {
                session.send(new PubRec(msgId));
            }
        }, session::post);
    }

    /** The write delay has passed without the id's PUBREL: from now on it is kept on disk until that comes. */
    private void writeIfStillAwaited(int msgId) {
        if (unwritten.remove(msgId)) {
            ctx.metrics.increment(Counter.PUBREL_IDS_WRITTEN);
            ctx.store.saveAwaitingPubRel(clientId, msgId);
        }
    }

    private void reject(Publish publish, String why) {
        LOG.log(Level.DEBUG, "client {0}: publish rejected: {1}", clientId, why);
        if (publish.qos() > 0) {
            ctx.metrics.increment(Counter.PUBLISH_IN_REJECTED_CONGESTION);
            session.send(new PubAck(publish.topic().idField(), publish.msgId(), ReturnCode.CONGESTION));
        } else {
            ctx.metrics.increment(Counter.PUBLISH_IN_DROPPED);
        }
    }

    void onPubRel(PubRel pubRel) {
        int msgId = pubRel.msgId();
        if (awaitingPubRel.remove(msgId)) {
            if (unwritten.remove(msgId)) {
                ctx.metrics.increment(Counter.PUBREL_IDS_NOT_WRITTEN);
            } else {
                ctx.store.deleteAwaitingPubRel(clientId, msgId);
            }
        }
        session.send(new PubComp(pubRel.msgId()));
    }
}
