package io.sngw.core.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** No durability at all: the gateway keeps its state in memory only (tests, or a gateway configured so). */
public final class NoStore implements Store {
    public static final NoStore INSTANCE = new NoStore();

    private NoStore() {
    }

    @Override
    public StoredState load() {
        return StoredState.empty();
    }

    @Override
    public void saveSession(SessionRecord session) {
    }

    @Override
    public void deleteSession(String clientId) {
    }

    @Override
    public void saveAwaitingPubRel(String clientId, int msgId) {
    }

    @Override
    public void deleteAwaitingPubRel(String clientId, int msgId) {
    }

    @Override
    public void savePending(PendingMessage message) {
    }

    @Override
    public void deletePending(String clientId, long seq) {
    }

    @Override
    public void saveDeliveryState(String clientId, long seq, int msgId, boolean released) {
    }

    @Override
    public CompletableFuture<Void> appendOutbound(OutboundMessage message) {
        return CompletableFuture.failedFuture(new StoreException("no store configured: nothing can be queued durably"));
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
