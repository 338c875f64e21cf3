package io.sngw.bridge.mqtt;

import io.netty.channel.EventLoop;
import io.sngw.core.upstream.UpstreamMessage;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Publishes on their way from any thread to the upstream loop. Why not one loop task per publish: every task is an
 * allocation, a queue hand-off and possibly a wake-up of the loop, and the loop then writes and encodes packets one
 * by one. Here publishers append to a queue and the first of a batch schedules one drain; the drain hands everything
 * queued by then to the bridge in one go, which encodes it into one buffer and writes it once.
 *
 * <p>A publisher that finds a drain already scheduled needs no task of its own: the drain clears the flag before it
 * polls, so it sees every publish queued before the flag was seen set.
 */
final class PublishOutbox {
    /** A publish and the future its caller holds. */
    record Entry(UpstreamMessage message, CompletableFuture<Void> future) {
    }

    /** Publishes handed over per drain before other loop tasks (PUBACKs from the broker, subscribes) get a turn. */
    static final int MAX_PER_DRAIN = 4096;

    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final EventLoop loop;
    private final Predicate<PublishOutbox> drainer;
    private final Runnable drainTask;

    /**
     * {@code drainer} runs on the loop and takes entries with {@link #poll()}, at most {@link #MAX_PER_DRAIN}; it
     * answers false when the link cannot take more now: the outbox is then drained again only on the next
     * {@link #offer} or {@link #resume()}, not at once.
     */
    PublishOutbox(EventLoop loop, Predicate<PublishOutbox> drainer) {
        this.loop = loop;
        this.drainer = drainer;
        this.drainTask = this::drain;
    }

    /** Queues a publish; false when the loop is shut down (nothing will ever take it). */
    boolean offer(UpstreamMessage message, CompletableFuture<Void> future) {
        queue.offer(new Entry(message, future));
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
                return false;
            }
        }
        return true;
    }

    Entry poll() {
        return queue.poll();
    }

    /** The link can take publishes again: drain what waits. */
    void resume() {
        if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException shutDown) {
                drainScheduled.set(false); // the bridge is closing: nothing will take them
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        if (drainer.test(this)) {
            resume();
        }
    }
}
