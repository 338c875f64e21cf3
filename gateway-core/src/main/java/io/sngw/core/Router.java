package io.sngw.core;

import io.sngw.core.topic.SubscriptionTree;
import io.sngw.core.upstream.UpstreamMessage;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Finds the sessions a message from the broker is for. The subscription tree has one owner, this router's thread:
 * sessions post their subscribe and unsubscribe here, and each match is posted back to the session's own loop.
 */
final class Router implements AutoCloseable {
    private final SubscriptionTree<Session> tree = new SubscriptionTree<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sngw-router");
        t.setDaemon(true);
        return t;
    });

    void add(String filter, Session session) {
        executor.execute(() -> tree.add(filter, session));
    }

    void remove(String filter, Session session) {
        executor.execute(() -> tree.remove(filter, session));
    }

    void route(UpstreamMessage message) {
        executor.execute(() -> tree.forEachMatch(message.topic(), session -> session.post(() -> session.deliver(message))));
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
