package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.security.ClientGrants;
import io.sngw.core.topic.TopicFilter;
import io.sngw.core.topic.TopicRegistry;
import io.sngw.core.upstream.UpstreamMessage;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One session's subscriptions: SUBSCRIBE and UNSUBSCRIBE with the broker's reference counting and the router, the QoS
 * a message from the broker is delivered at, and which retained messages answer this client's own SUBSCRIBE. Lives
 * on its {@link Session}'s loop.
 */
final class Subscriptions {
    private static final System.Logger LOG = System.getLogger(Subscriptions.class.getName());

    /**
     * How long after a SUBSCRIBE retained messages from the broker count as answers to it. MQTT 3.1.1 sets the
     * retain flag only on messages sent because of a new subscription, but the aggregated broker connection
     * cannot say for which sensor: the sensors that subscribed recently get them, the others do not.
     */
    private static final long RETAINED_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Session session;
    private final String clientId;
    private final GatewayContext ctx;
    private final TopicRegistry registry;
    private final Deliveries deliveries;
    private final Map<String, Subscription> subscriptions = new HashMap<>();

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

    Subscriptions(Session session, String clientId, GatewayContext ctx, TopicRegistry registry, Deliveries deliveries) {
        this.session = session;
        this.clientId = clientId;
        this.ctx = ctx;
        this.registry = registry;
        this.deliveries = deliveries;
    }

    /**
     * The QoS to deliver a message from the broker at (the highest of the matching filters), or -1: no filter matches
     * (unsubscribed meanwhile), or it is a retained message re-sent for another sensor's subscription.
     */
    int qosFor(UpstreamMessage message) {
        int qos = -1;
        boolean fresh = false;
        long now = ctx.loops.nanoTime();
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
        return message.retain() && !fresh ? -1 : qos;
    }

    /** Filter → granted QoS, as the session's record stores them. */
    Map<String, Integer> filters() {
        Map<String, Integer> filters = new HashMap<>();
        subscriptions.forEach((filter, sub) -> filters.put(filter, sub.qos));
        return filters;
    }

    /** Subscriptions from the store: held at the broker from its (re)connection on, without asking now. */
    void restore(Map<String, Integer> filters) {
        ctx.budgets.subscriptions().takeAnyway(filters.size());
        filters.forEach((filter, qos) -> {
            subscriptions.put(filter, new Subscription(qos, 0));
            ctx.router.add(filter, session);
            ctx.upstream.restoreSubscription(session.origin(), filter, qos);
        });
    }

    /** Drops the subscriptions {@code grants} no longer allow; returns their filters. */
    List<String> dropNotAllowed(ClientGrants grants) {
        List<String> dropped = subscriptions.keySet().stream().filter(filter -> !grants.maySubscribe(filter)).toList();
        dropped.forEach(this::unsubscribe);
        return dropped;
    }

    /** CleanSession, or the session's end: every subscription goes, at the router and at the broker. */
    void clear() {
        for (String filter : subscriptions.keySet()) {
            ctx.router.remove(filter, session);
            ctx.upstream.unsubscribe(session.origin(), filter);
        }
        ctx.budgets.subscriptions().release(subscriptions.size());
        subscriptions.clear();
    }

    /** SUBSCRIBE from a connected client: answered with SUBACK once the broker has granted (or refused) it. */
    void onSubscribe(Subscribe subscribe) {
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
                deliveries.confirmed(filter);
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
        if (!session.grants().maySubscribe(filter)) {
            ctx.metrics.increment(Counter.SUBSCRIBE_REFUSED_ACL);
            LOG.log(Level.DEBUG, "client {0}: subscribe to {1} refused by its ACL", clientId, filter);
            session.send(new SubAck(0, 0, msgId, ReturnCode.NOT_SUPPORTED));
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
        subscription.freshUntilNanos = ctx.loops.nanoTime() + RETAINED_WINDOW_NANOS;
        subscription.retainedDelivered = null;
        if (!existed) {
            ctx.router.add(filter, session);
        }
        // Even a repeated subscription goes to the broker: that is what makes it send the retained messages again.
        ctx.upstream.subscribe(session.origin(), filter, qos).whenCompleteAsync((granted, failure) -> {
            if (failure == null && (existed || session.isRemoved())) {
                // hold one broker reference per session and filter, no more
                ctx.upstream.unsubscribe(session.origin(), filter);
            }
            if (session.isRemoved()) {
                return;
            }
            if (failure != null) {
                if (!existed) {
                    subscriptions.remove(filter);
                    ctx.budgets.subscriptions().release(1);
                    ctx.router.remove(filter, session);
                }
                rejectSubscribe(msgId, ReturnCode.CONGESTION, "broker: " + failure.getMessage());
                return;
            }
            int grantedQos = Math.min(qos, granted);
            subscription.qos = grantedQos;
            session.save();
            session.send(new SubAck(grantedQos, topicId, msgId, ReturnCode.ACCEPTED));
        }, session::post);
    }

    private void rejectSubscribe(int msgId, ReturnCode code, String why) {
        LOG.log(Level.DEBUG, "client {0}: subscribe rejected: {1}", clientId, why);
        ctx.metrics.increment(Counter.SUBSCRIBE_REJECTED);
        session.send(new SubAck(0, 0, msgId, code));
    }

    void onUnsubscribe(Unsubscribe unsubscribe) {
        String filter = ctx.nameWithoutRegistration(unsubscribe.topic());
        if (filter != null && unsubscribe(filter)) {
            session.save();
        }
        session.send(new UnsubAck(unsubscribe.msgId()));
    }

    /** @return whether the session held the subscription */
    private boolean unsubscribe(String filter) {
        if (subscriptions.remove(filter) == null) {
            return false;
        }
        ctx.budgets.subscriptions().release(1);
        ctx.router.remove(filter, session);
        ctx.upstream.unsubscribe(session.origin(), filter);
        return true;
    }
}
