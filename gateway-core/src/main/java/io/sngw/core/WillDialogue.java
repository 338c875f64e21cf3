package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.security.ClientGrants;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.topic.TopicFilter;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.UpstreamMessage;

import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client's will: the CONNECT's dialogue that sets it (WILLTOPICREQ, WILLMSGREQ, retried every T_retry, abandoned
 * after N_retry), its updates (WILLTOPICUPD, WILLMSGUPD), and its publication when the client is lost. Lives on its
 * {@link Session}'s loop.
 */
final class WillDialogue {
    private static final System.Logger LOG = System.getLogger(WillDialogue.class.getName());

    private final Session session;
    private final String clientId;
    private final GatewayContext ctx;
    private Will will;
    private WillTopic pendingWillTopic;
    private ScheduledFuture<?> willDialogueRetry;
    private int willDialogueAttempts;

    WillDialogue(Session session, String clientId, GatewayContext ctx) {
        this.session = session;
        this.clientId = clientId;
        this.ctx = ctx;
    }

    /** A CONNECT with the Will flag: asks for the will topic first. */
    void start() {
        pendingWillTopic = null;
        willDialogueAttempts = 0;
        sendWillDialogue(new WillTopicReq());
    }

    /** The dialogue's retry stops (the connection ended or was replaced). */
    void stop() {
        cancel(willDialogueRetry);
        willDialogueRetry = null;
    }

    void set(Will replacement) {
        will = replacement;
    }

    /** The will as the session's record stores it, or null. */
    SessionRecord.StoredWill stored() {
        return will == null ? null : new SessionRecord.StoredWill(will.topic(), will.message(), will.qos(), will.retain());
    }

    void restore(SessionRecord.StoredWill w) {
        will = w == null ? null : new Will(w.topic(), w.message(), w.qos(), w.retain());
    }

    /** The will as the upstream is given it, on behalf of {@code client}; null when there is none. */
    UpstreamMessage toUpstream(ClientRef client) {
        return will == null ? null : will.toUpstream(client);
    }

    /**
     * The client vanished: its will, if it has one, goes to the broker, unless the broker publishes it itself from
     * the sensor's own connection ({@code publishedByBroker}), where it is only counted.
     */
    void publish(boolean publishedByBroker) {
        if (will == null) {
            return;
        }
        if (publishedByBroker) {
            ctx.metrics.increment(Counter.WILLS_PUBLISHED); // by the broker, from the sensor's own connection
            return;
        }
        ctx.upstream.publish(will.toUpstream(session.origin())).whenComplete((ok, failure) -> ctx.metrics.increment(
                failure == null ? Counter.WILLS_PUBLISHED : Counter.WILLS_LOST));
    }

    /** Drops a will to a topic {@code grants} no longer allow; whether it did. */
    boolean dropIfNotAllowed(ClientGrants grants) {
        if (will != null && !grants.mayPublish(will.topic())) {
            will = null;
            return true;
        }
        return false;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void sendWillDialogue(MqttSnMessage request) {
        session.send(request);
        willDialogueRetry = session.loop.schedule(() -> session.post(() -> {
            if (!session.isConnecting()) {
                return;
            }
            if (willDialogueAttempts++ >= ctx.options.maxRetries()) {
                LOG.log(Level.INFO, "client {0}: will dialogue abandoned after {1} retries", clientId, willDialogueAttempts - 1);
                session.endConnection(false);
                return;
            }
            sendWillDialogue(request);
        }), ctx.options.retryInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onWillTopic(WillTopic willTopic) {
        if (!session.isConnecting()) {
            return;
        }
        cancel(willDialogueRetry);
        if (willTopic.isEmpty()) {
            will = null;
            session.accept();
            return;
        }
        if (!TopicFilter.isValidName(willTopic.topic()) || !session.grants().mayPublish(willTopic.topic())) {
            session.send(new ConnAck(ReturnCode.NOT_SUPPORTED));
            session.endConnection(false);
            return;
        }
        pendingWillTopic = willTopic;
        willDialogueAttempts = 0;
        sendWillDialogue(new WillMsgReq());
    }

    void onWillMsg(WillMsg willMsg) {
        if (!session.isConnecting() || pendingWillTopic == null) {
            return;
        }
        cancel(willDialogueRetry);
        will = new Will(pendingWillTopic.topic(), willMsg.message(), pendingWillTopic.qos(), pendingWillTopic.retain());
        pendingWillTopic = null;
        session.accept();
    }

    void onWillTopicUpdate(WillTopicUpd update) {
        if (update.isEmpty()) {
            will = null;
        } else if (!TopicFilter.isValidName(update.topic()) || !session.grants().mayPublish(update.topic())) {
            session.send(new WillTopicResp(ReturnCode.NOT_SUPPORTED));
            return;
        } else {
            byte[] message = will == null ? new byte[0] : will.message();
            will = new Will(update.topic(), message, update.qos(), update.retain());
        }
        session.save();
        session.send(new WillTopicResp(ReturnCode.ACCEPTED));
    }

    void onWillMsgUpdate(WillMsgUpd update) {
        if (will == null) {
            // No will topic yet: there is nothing to attach the message to; the client must send WILLTOPICUPD first.
            session.send(new WillMsgResp(ReturnCode.NOT_SUPPORTED));
            return;
        }
        will = new Will(will.topic(), update.message(), will.qos(), will.retain());
        session.save();
        session.send(new WillMsgResp(ReturnCode.ACCEPTED));
    }
}
