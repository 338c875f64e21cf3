package io.sngw.core;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The single-threaded executors that own the sessions. A client id always maps to the same loop, so all of a
 * session's state is touched by one thread and needs no lock.
 */
final class SessionLoops implements AutoCloseable {
    private final ScheduledThreadPoolExecutor[] loops;

    SessionLoops(int count) {
        int n = count > 0 ? count : Runtime.getRuntime().availableProcessors();
        loops = new ScheduledThreadPoolExecutor[n];
        for (int i = 0; i < n; i++) {
            String name = "sngw-session-" + i;
            ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            // Keep-alive timers are cancelled far more often than they fire: do not let dead ones pile up.
            loop.setRemoveOnCancelPolicy(true);
            // At close, pending keep-alive and retry timers are dropped, not waited for (they are seconds away).
            loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            loops[i] = loop;
        }
    }

    ScheduledExecutorService loopFor(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return loops[Math.floorMod(h, loops.length)];
    }

    ScheduledExecutorService any() {
        return loops[0];
    }

    @Override
    public void close() {
        for (ScheduledThreadPoolExecutor loop : loops) {
            loop.shutdown();
        }
        for (ScheduledThreadPoolExecutor loop : loops) {
            try {
                loop.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
