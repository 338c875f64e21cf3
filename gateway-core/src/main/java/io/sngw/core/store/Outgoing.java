package io.sngw.core.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One QoS 1/2 message of the outbound queue, and which witness it has: the sensor is acknowledged by the first of
 * the broker's acknowledgement and the commit of the message to the queue on disk.
 *
 * <p>Two threads decide about the disk write, so its state is one field changed by compare-and-set only: the queue's
 * owner asks for the write ({@link #requestWrite}) and, on the broker's ack, takes it back if the writer has not
 * reached it yet ({@link #leftTheQueue}); the store's writer thread claims it ({@link #claimForWrite}) just
 * before the transaction. Whoever moves first wins; nothing else is shared. The other fields belong to the owner.
 */
final class Outgoing {
    private static final int NOT_REQUESTED = 0;
    private static final int REQUESTED = 1;
    /** Claimed by the writer (or read back from disk): the row is, or is about to be, on disk. */
    private static final int ON_DISK = 2;
    private static final int NOT_NEEDED = 3;
    private static final AtomicIntegerFieldUpdater<Outgoing> WRITE =
            AtomicIntegerFieldUpdater.newUpdater(Outgoing.class, "write");

    final OutboundMessage message;
    /** The sensor's acknowledgement; null for messages read back from disk (acknowledged before a restart or spill). */
    final CompletableFuture<Void> witness;
    private volatile int write;

    // ---- the owner's ----
    /** Accepted while the queue lagged: only the broker's ack acknowledges it while the broker is connected. */
    boolean held;
    /** Handed to the broker at least once. */
    boolean sent;
    /** When it was last handed to the broker. */
    long sentNanos;
    /** When the disk becomes its witness unless the broker acknowledges it first ({@link OutboundWrites}). */
    long writeDueNanos;
    /** Its write delay starts when it is sent ({@link OutboundWrites#sent}). */
    boolean writeAfterSend;
    final long acceptedNanos;
    /** When its datagram reached the gateway ({@code UpstreamMessage.receivedAtNanos}); 0 when read back. */
    final long receivedNanos;

    Outgoing(OutboundMessage message, CompletableFuture<Void> witness, long acceptedNanos, long receivedNanos) {
        this.message = message;
        this.witness = witness;
        this.acceptedNanos = acceptedNanos;
        this.receivedNanos = receivedNanos;
    }

    static Outgoing readBack(OutboundMessage message) {
        Outgoing o = new Outgoing(message, null, 0, 0);
        o.write = ON_DISK;
        return o;
    }

    long seq() {
        return message.seq();
    }

    /** @return whether this asked for the write (it had not been asked for, and no witness made it unnecessary) */
    boolean requestWrite() {
        return WRITE.compareAndSet(this, NOT_REQUESTED, REQUESTED);
    }

    boolean writeRequested() {
        return write != NOT_REQUESTED;
    }

    /** On the writer's thread, before its transaction: whether the row is still needed (then it is written). */
    boolean claimForWrite() {
        return WRITE.compareAndSet(this, REQUESTED, ON_DISK);
    }

    /** After the write's future completed normally: whether it really was written, not skipped. */
    boolean onDisk() {
        return write == ON_DISK;
    }

    /**
     * The message left the queue (the broker has it, or it expired): a write not claimed yet is not needed any more.
     *
     * @return the row's fate: {@code true} when it is (or will be) on disk and must be deleted
     */
    boolean leftTheQueue() {
        return !WRITE.compareAndSet(this, NOT_REQUESTED, NOT_NEEDED)
                && !WRITE.compareAndSet(this, REQUESTED, NOT_NEEDED)
                && write == ON_DISK;
    }
}
