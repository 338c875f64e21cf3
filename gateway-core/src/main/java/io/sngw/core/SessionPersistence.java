package io.sngw.core;

import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.topic.TopicRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link Session} as its store record: what of it survives a restart (clean session, ACTIVE / ASLEEP /
 * DISCONNECTED, keep-alive and sleep durations, address, will, topic ids, subscriptions, the QoS 2 ids awaiting
 * PUBREL), written once per burst of work on the loop, and read back into the session's collaborators at start.
 * Lives on the session's loop.
 */
final class SessionPersistence {
    private final Session session;
    private final String clientId;
    private final GatewayContext ctx;
    private final TopicRegistry registry;
    private final Supervision supervision;
    private final WillDialogue will;
    private final Subscriptions subscriptions;
    private final InboundPublishes inbound;
    private final Deliveries deliveries;
    private boolean saveScheduled;

    SessionPersistence(Session session, String clientId, GatewayContext ctx, TopicRegistry registry,
                       Supervision supervision, WillDialogue will, Subscriptions subscriptions,
                       InboundPublishes inbound, Deliveries deliveries) {
        this.session = session;
        this.clientId = clientId;
        this.ctx = ctx;
        this.registry = registry;
        this.supervision = supervision;
        this.will = will;
        this.subscriptions = subscriptions;
        this.inbound = inbound;
        this.deliveries = deliveries;
    }

    /**
     * Writes the session to the store once the current burst of work on the loop is done, so that a CONNECT with
     * its REGISTERs and SUBSCRIBEs costs one write, not one per step. Connecting sessions are not saved: a
     * CONNECT not yet accepted is not a session a restart should bring back.
     */
    void save() {
        if (saveScheduled) {
            return;
        }
        saveScheduled = true;
        session.post(() -> {
            saveScheduled = false;
            SessionRecord record = record();
            if (record != null) {
                ctx.store.saveSession(record);
            }
        });
    }

    private SessionRecord record() {
        SessionRecord.Status status;
        switch (session.state()) {
            case ACTIVE -> status = SessionRecord.Status.ACTIVE;
            case ASLEEP, AWAKE -> status = SessionRecord.Status.ASLEEP;
            case DISCONNECTED -> status = SessionRecord.Status.DISCONNECTED;
            default -> {
                return null;
            }
        }
        byte[] form = session.address() == null ? null : PersistentAddress.of(session.link(), session.address());
        Map<Integer, String> topics = new HashMap<>(registry.snapshot());
        deliveries.unconfirmedTopics().forEach(name -> topics.remove(registry.existingId(name)));
        Map<String, Integer> filters = subscriptions.filters();
        return new SessionRecord(clientId, session.cleanSession(), status, supervision.keepAliveSeconds(),
                supervision.sleepSeconds(), form == null ? null : session.link().name(), form,
                will.stored(),
                topics, filters, inbound.awaitingPubRel());
    }

    /** Puts back into the collaborators what the record and the kept messages hold; the session does its own part. */
    void restore(SessionRecord record, List<PendingMessage> pending) {
        supervision.restore(record.keepAliveSeconds(), record.sleepSeconds());
        will.restore(record.will());
        record.topics().forEach(registry::restore);
        ctx.budgets.keptMessages().takeAnyway(pending.size());
        subscriptions.restore(record.subscriptions());
        inbound.restore(record.awaitingPubRel());
        deliveries.restore(pending);
    }
}
