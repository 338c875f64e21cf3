package io.sngw.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The single-threaded loops that own the sessions, and the one timer thread they share. A client id always maps to
 * the same loop, so all of a session's state is touched by one thread and needs no lock.
 */
final class SessionLoops implements Scheduling {
    private final SessionLoop[] loops;
    private final ScheduledThreadPoolExecutor timer;

    SessionLoops(int count) {
        int n = count > 0 ? count : Runtime.getRuntime().availableProcessors();
        timer = new ScheduledThreadPoolExecutor(1, r -> new SessionLoop.OwnThread(r, "sngw-timer"));
        // Keep-alive timers are cancelled far more often than they fire: do not let dead ones pile up.
        timer.setRemoveOnCancelPolicy(true);
        // Pending keep-alive and retry timers must not hold close() up.
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        loops = new SessionLoop[n];
        for (int i = 0; i < n; i++) {
            loops[i] = new SessionLoop("sngw-session-" + i, timer);
        }
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public ExecutorService newRouterExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sngw-router");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ScheduledExecutorService loopFor(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return loops[Math.floorMod(h, loops.length)];
    }

    /**
     * Whether any loop has more than a quarter of its queue bound waiting: past that, transports soon wait for room
     * and the kernel drops what the sockets hold ({@link FairShare} sheds the heaviest sources before that).
     */
    @Override
    public boolean congested() {
        for (SessionLoop loop : loops) {
            if (loop.queuedTasks() > SessionLoop.MAX_QUEUED / 4) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ScheduledExecutorService any() {
        return loops[0];
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (SessionLoop loop : loops) {
            loop.shutdown();
        }
        for (SessionLoop loop : loops) {
            try {
                loop.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
