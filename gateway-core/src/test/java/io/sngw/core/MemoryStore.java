package io.sngw.core;

import io.sngw.core.store.OutboundMessage;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.store.Store;
import io.sngw.core.store.StoredState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The store port in memory, every write "committed" at once: what a second {@link CoreHarness} on the same instance
 * finds is what a restarted gateway finds on disk. Sessions, their awaiting-PUBREL ids and pending messages with
 * their delivery state; no outbound queue (the core's tests do not use store-and-forward).
 */
final class MemoryStore implements Store {
    private final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
    private final Map<String, Set<Integer>> awaitingPubRel = new LinkedHashMap<>();
    private final Map<String, TreeMap<Long, PendingMessage>> pending = new LinkedHashMap<>();
    /** Awaiting-PUBREL rows written and deleted, one by one (what wears an SD card per QoS 2 message). */
    int pubRelRowWrites;

    @Override
    public synchronized StoredState load() {
        List<SessionRecord> records = new ArrayList<>();
        sessions.forEach((clientId, r) -> records.add(new SessionRecord(r.clientId(), r.cleanSession(), r.status(),
                r.keepAliveSeconds(), r.sleepSeconds(), r.linkName(), r.address(), r.will(), r.topics(),
                r.subscriptions(), awaitingPubRel.getOrDefault(clientId, Set.of()))));
        Map<String, List<PendingMessage>> messages = new LinkedHashMap<>();
        pending.forEach((clientId, bySeq) -> messages.put(clientId, List.copyOf(bySeq.values())));
        return new StoredState(records, messages, new StoredState.OutboundSummary(0, 0, 0, 0));
    }

    @Override
    public synchronized void saveSession(SessionRecord session) {
        sessions.put(session.clientId(), session);
        awaitingPubRel.put(session.clientId(), new HashSet<>(session.awaitingPubRel()));
    }

    @Override
    public synchronized void deleteSession(String clientId) {
        sessions.remove(clientId);
        awaitingPubRel.remove(clientId);
        pending.remove(clientId);
    }

    @Override
    public synchronized void saveAwaitingPubRel(String clientId, int msgId) {
        pubRelRowWrites++;
        awaitingPubRel.computeIfAbsent(clientId, c -> new HashSet<>()).add(msgId);
    }

    @Override
    public synchronized void deleteAwaitingPubRel(String clientId, int msgId) {
        pubRelRowWrites++;
        awaitingPubRel.getOrDefault(clientId, new HashSet<>()).remove(msgId);
    }

    @Override
    public synchronized void savePending(PendingMessage message) {
        pending.computeIfAbsent(message.clientId(), c -> new TreeMap<>()).put(message.seq(), message);
    }

    @Override
    public synchronized void deletePending(String clientId, long seq) {
        TreeMap<Long, PendingMessage> bySeq = pending.get(clientId);
        if (bySeq != null) {
            bySeq.remove(seq);
        }
    }

    @Override
    public synchronized void saveDeliveryState(String clientId, long seq, int msgId, boolean released) {
        TreeMap<Long, PendingMessage> bySeq = pending.get(clientId);
        PendingMessage p = bySeq == null ? null : bySeq.get(seq);
        if (p != null) {
            bySeq.put(seq, new PendingMessage(clientId, seq, p.topic(), p.payload(), p.qos(), p.retain(), msgId, released));
        }
    }

    @Override
    public CompletableFuture<Void> appendOutbound(OutboundMessage message) {
        throw new UnsupportedOperationException("no outbound queue in the core's tests");
    }

    @Override
    public void deleteOutbound(List<Long> seqs) {
    }

    @Override
    public List<OutboundMessage> readOutbound(long afterSeq, int max) {
        return List.of();
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
    }
}
