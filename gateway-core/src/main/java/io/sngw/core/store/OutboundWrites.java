package io.sngw.core.store;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The outbound queue's disk writes: which messages still need the disk as their witness, and when they get it. A
 * message accepted while the broker is connected is written only if the broker has not acknowledged it within the
 * write delay of its sending; any other is written at once. One waiting for a place in the broker's window is not
 * written however long it waits (while the broker stays connected): its delay starts when it is sent. So while the
 * broker is the bottleneck, sensors are acknowledged at the broker's pace (their windows hold them back) rather than
 * by the disk, which would let them fill a queue of seconds and cost a row and its delete per message. A slow uplink
 * still gets the disk as witness a write delay after each send, and an outage writes everything at once. Owned by the
 * queue's thread, like the queue itself.
 */
final class OutboundWrites {
    private final Store store;
    private final ScheduledExecutorService owner;
    private final long writeDelayNanos;
    private final OutboundCounters counters;
    /** Sent while connected and not written yet, in order: written when their write delay is up. */
    private final ArrayDeque<Outgoing> awaitingWitness = new ArrayDeque<>();
    private boolean timerSet;

    OutboundWrites(Store store, ScheduledExecutorService owner, long writeDelayNanos, OutboundCounters counters) {
        this.store = store;
        this.owner = owner;
        this.writeDelayNanos = writeDelayNanos;
        this.counters = counters;
    }

    /**
     * Writes the message unless the broker acknowledges it within the write delay of its sending (at once if there is
     * no delay). Until it is sent nothing is decided: see {@link #sent}.
     */
    void unlessAcknowledgedSoonAfterSending(Outgoing o) {
        if (writeDelayNanos == 0) {
            now(o);
            return;
        }
        o.writeAfterSend = true;
    }

    /** The message was just sent: its write delay starts now. */
    void sent(Outgoing o) {
        if (!o.writeAfterSend) {
            return;
        }
        o.writeAfterSend = false;
        long now = System.nanoTime();
        if (now - o.acceptedNanos > writeDelayNanos) {
            counters.writesDeferred.increment(); // it waited longer than that for a place in the broker's window
        }
        // Due after everything queued before (each was due no later than now + the delay): the order holds.
        o.writeDueNanos = now + writeDelayNanos;
        awaitingWitness.addLast(o);
        armTimer();
    }

    /**
     * Asks the store for the message's row, unless asked already or the broker acknowledged it; the sensor is
     * acknowledged by the commit unless the broker was first. A held message stops being held: the disk may witness it.
     */
    void now(Outgoing o) {
        o.held = false;
        if (!o.requestWrite()) {
            return;
        }
        counters.writesRequested.increment();
        store.appendOutbound(o.message, o::claimForWrite).whenComplete((ok, failure) -> {
            if (failure != null) {
                o.witness.completeExceptionally(failure);
            } else if (o.onDisk() && o.witness.complete(null)) {
                counters.witnessedByStore.increment();
            }
        });
    }

    /** Writes at once every message still waiting for its write delay (the broker is gone, or the queue closes). */
    void allWaitingNow() {
        awaitingWitness.forEach(this::now);
        awaitingWitness.clear();
    }

    private void armTimer() {
        if (!timerSet && !awaitingWitness.isEmpty()) {
            timerSet = true;
            long due = awaitingWitness.peekFirst().writeDueNanos - System.nanoTime();
            owner.schedule(this::writeThoseWaitedTooLong, Math.max(due, 100_000), TimeUnit.NANOSECONDS);
        }
    }

    /** The broker has not acknowledged these within the write delay: the disk becomes their witness. */
    private void writeThoseWaitedTooLong() {
        timerSet = false;
        long now = System.nanoTime();
        Outgoing head;
        while ((head = awaitingWitness.peekFirst()) != null) {
            if (!head.writeRequested() && !head.held && !head.witness.isDone()) {
                if (head.writeDueNanos - now > 0) {
                    break;
                }
                now(head);
            }
            awaitingWitness.pollFirst();
        }
        armTimer();
    }
}
