package io.sngw.sim.client;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread for the retries and timeouts of every client in the JVM: a load generator runs thousands of
 * clients, and a timer thread each would cost more than the clients themselves.
 */
final class ClientTimer {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private ClientTimer() {
    }

    static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "mqttsn-client-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Most timeouts are cancelled by the answer; without this they would sit in the queue until they expire.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
