package io.sngw.core.store;

import java.util.ArrayDeque;

/**
 * How far the outbound queue lags behind a connected broker: how long the oldest message accepted while connected
 * and not yet sent has waited. A backlog left by an outage does not count (it drains in order at the broker's rate);
 * what was accepted while connected does, because that is what sensors offer beyond what the broker takes. Owned by
 * the queue's thread.
 */
final class QueueLag {
    private final ArrayDeque<Outgoing> unsent = new ArrayDeque<>();

    /** A message accepted while connected and queued (not sent yet). */
    void queued(Outgoing o) {
        unsent.addLast(o);
    }

    /** The broker went away, or the messages went to disk: nothing counts until the next message queued. */
    void reset() {
        unsent.clear();
    }

    /** Nanoseconds the oldest unsent message has waited at {@code now}; 0 when none waits. */
    long nanos(long now) {
        Outgoing head;
        while ((head = unsent.peekFirst()) != null && head.sent) {
            unsent.pollFirst();
        }
        return head == null ? 0 : now - head.acceptedNanos;
    }
}
