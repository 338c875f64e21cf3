package io.sngw.core;

import io.sngw.core.store.NoStore;
import io.sngw.core.store.Store;
import io.sngw.core.topic.SubscriptionTree;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds the sessions a message from the broker is for. The subscription tree has one owner, this router's thread:
 * sessions post their subscribe and unsubscribe here, and each match is posted back to the session's own loop.
 */
final class Router implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final SubscriptionTree<Session> tree = new SubscriptionTree<>();
    private final ExecutorService executor;
    private final Store store;
    private final boolean durable;

    Router(Store store, ExecutorService executor) {
        this.executor = executor;
        this.store = store;
        this.durable = store != NoStore.INSTANCE;
    }

    void add(String filter, Session session) {
        executor.execute(() -> tree.add(filter, session));
    }

    void remove(String filter, Session session) {
        executor.execute(() -> tree.remove(filter, session));
    }

    /**
     * Posts the message to every matching session's loop; {@code taken} runs as {@link UpstreamListener#onMessage}
     * promises: once each of them has processed it and the store has committed what they saved.
     */
    /** Runs {@code task} on the router's thread after everything routed before it has been posted to its sessions. */
    void afterRouted(Runnable task) {
        executor.execute(task);
    }

    /** A message the upstream says is for one sensor (its own connection, a topic template) goes to that one only. */
    private static boolean isFor(UpstreamMessage message, Session session) {
        return message.client() == null || message.client().clientId().equals(session.clientId());
    }

    void route(UpstreamMessage message, Runnable taken) {
        if (message.qos() == 0 || !durable) {
            taken.run(); // nothing will be durable that the broker could wait for
            executor.execute(() -> tree.forEachMatch(message.topic(), session -> {
                if (isFor(message, session)) {
                    session.post(() -> session.deliver(message));
                }
            }));
            return;
        }
        executor.execute(() -> {
            Taking taking = new Taking(taken);
            tree.forEachMatch(message.topic(), session -> {
                if (!isFor(message, session)) {
                    return;
                }
                taking.matched = true;
                taking.incrementAndGet();
                session.post(() -> {
                    try {
                        session.deliver(message);
                    } finally {
                        taking.processed();
                    }
                });
            });
            taking.processed();
        });
    }

    /**
     * The sessions yet to process one message, plus one for the router until it has posted to them all (so that a
     * fast session cannot count down to zero early). Whoever reaches zero flushes: the flush orders after every
     * savePending those sessions issued.
     */
    private final class Taking extends AtomicInteger {
        private final Runnable taken;
        /** Written on the router's thread before the posts and its own decrement, so whoever reaches zero sees it. */
        boolean matched;

        Taking(Runnable taken) {
            super(1);
            this.taken = taken;
        }

        void processed() {
            if (decrementAndGet() != 0) {
                return;
            }
            if (!matched) {
                taken.run();
                return;
            }
            store.flush().whenComplete((ok, failure) -> {
                if (failure != null) {
                    // Withholding the acknowledgement would not make the disk work again, only stall every message
                    // from the broker behind its in-flight window; the sessions still hold this one in memory.
                    LOG.log(Level.WARNING, "store commit failed while taking a message from the broker: acknowledging"
                            + " it anyway, a crash now would lose it: {0}", failure.toString());
                }
                taken.run();
            });
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
