package io.sngw.core.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The store port: what must survive a restart of the gateway or a power cut. Implemented outside the core
 * (store-sqlite); the core only ever calls it from its session loops and the outbound queue's drainer, so every
 * write method returns at once. Writes are applied in the order they were issued and become durable together in
 * group commits; a write's future completes once the commit holding it is on disk. Futures complete on the store's
 * own writer thread: hop to the session's loop before touching its state, and never block in a callback.
 *
 * <p>A write that fails is lost, not retried: a future-returning write fails its future ({@link StoreException});
 * the failure of a void write shows in the next {@link #flush()}. One write that is wrong in itself (a duplicate
 * outbound seq) fails alone; a failed transaction (disk full, I/O error) fails every write committed with it.
 * After {@link #close()}, void writes throw {@link StoreException} and futures fail with it.
 *
 * <p>{@link #load()} and {@link #readOutbound} may block (start-up, the drainer's own thread), never an event loop.
 */
public interface Store extends AutoCloseable {

    /**
     * Everything persisted, read once at start before any traffic; a missing database yields an empty state.
     * Pending messages are returned for every client that has some, whether or not it has a saved session.
     */
    StoredState load();

    /**
     * Inserts or replaces the session of {@code session.clientId()}, its awaiting-PUBREL ids included; consecutive
     * saves may be coalesced.
     */
    void saveSession(SessionRecord session);

    /** Deletes a session together with every message pending for it and its awaiting-PUBREL ids. */
    void deleteSession(String clientId);

    /**
     * Adds one id to the client's {@link SessionRecord#awaitingPubRel()}, without rewriting the rest of its session:
     * this runs for every QoS 2 PUBLISH from a sensor. Adding an id already there changes nothing.
     */
    void saveAwaitingPubRel(String clientId, int msgId);

    /**
     * Removes one id from the client's {@link SessionRecord#awaitingPubRel()} once its PUBREL came, again without
     * rewriting the rest of its session. Removing an id that is not there changes nothing.
     */
    void deleteAwaitingPubRel(String clientId, int msgId);

    /**
     * A message held for a client (buffered while it sleeps or is offline, or sent and not yet acknowledged).
     * Inserts or replaces the message with this client id and seq.
     */
    void savePending(PendingMessage message);

    void deletePending(String clientId, long seq);

    /**
     * Records how far the delivery of the pending message {@code seq} got, without rewriting it: it was sent with
     * {@code msgId}, and ({@code released}) a QoS 2 one was answered with PUBREC. Nothing happens when the message is
     * not (or no longer) pending.
     */
    void saveDeliveryState(String clientId, long seq, int msgId, boolean released);

    /**
     * Appends to the sensor → broker queue. The future completes when the message is durable, and fails
     * ({@link StoreException}) when it could not be written, including when its seq is already queued (a queued
     * message is never replaced).
     */
    CompletableFuture<Void> appendOutbound(OutboundMessage message);

    /**
     * Appends to the queue unless, when the writer reaches it, {@code stillNeeded} says otherwise (the broker has
     * acknowledged the message meanwhile: a write the broker's ack made unnecessary is skipped, because SD cards
     * wear). {@code stillNeeded} is asked exactly once, on the writer's thread, before the transaction that would hold
     * the message; answering true commits to the write. The future completes when the message is durable or was
     * skipped, and fails as {@link #appendOutbound(OutboundMessage)}'s does.
     */
    default CompletableFuture<Void> appendOutbound(OutboundMessage message, BooleanSupplier stillNeeded) {
        return stillNeeded.getAsBoolean() ? appendOutbound(message) : CompletableFuture.completedFuture(null);
    }

    /** Removes queued messages the broker has acknowledged (or that expired). */
    void deleteOutbound(List<Long> seqs);

    /** Up to {@code max} queued messages with a sequence number above {@code afterSeq}, oldest first. Blocks. */
    List<OutboundMessage> readOutbound(long afterSeq, int max);

    /**
     * {@link #readOutbound} without blocking the caller (the outbound queue's owner may be an event loop): the rows as
     * they are once every write issued before this call has been committed, so every message appended before it is
     * there. The future completes on a thread of the store's; it fails when the read fails. The default reads on the
     * thread that completes the flush; a store whose writer must not wait for reads overrides it.
     */
    default CompletableFuture<List<OutboundMessage>> readOutboundAfterWrites(long afterSeq, int max) {
        // A failed flush reports an earlier void write's loss to whoever flushes for it; the read needs only the order.
        return flush().handle((committed, failed) -> null).thenApply(v -> readOutbound(afterSeq, max));
    }

    /**
     * Completes when every write issued before this call has been committed; fails ({@link StoreException}) when a
     * write issued since the previous flush failed, which is how the caller of a void write learns of its loss.
     */
    CompletableFuture<Void> flush();

    /** Writes what is pending, then releases the database. Idempotent. */
    @Override
    void close();
}
