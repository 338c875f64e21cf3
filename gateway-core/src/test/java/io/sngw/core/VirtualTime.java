package io.sngw.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The core's {@link Scheduling} for tests: one loop that runs every task on the test's thread, when the test lets it
 * ({@link #settle()}, {@link #advance}), and a clock that stands still until the test advances it. Timers fire in the
 * order they are due, each at its own instant of virtual time, with whatever they post run before the next.
 */
final class VirtualTime implements Scheduling {
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Loop loop = new Loop();
    /** Starts far from 0: code that mistakes 0 for "never" must not pass by luck. */
    private long now = TimeUnit.DAYS.toNanos(1);
    private long order;
    /**
     * While set, a task posted from outside the loop runs at once, on the caller's thread: {@link Gateway#restore}
     * waits for the restore tasks it posts, which on a loop the test itself drives would never run.
     */
    private boolean runPostsAtOnce;
    private boolean running;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public ScheduledExecutorService loopFor(Object key) {
        return loop;
    }

    @Override
    public ScheduledExecutorService any() {
        return loop;
    }

    @Override
    public boolean congested() {
        return false;
    }

    @Override
    public ExecutorService newRouterExecutor() {
        return loop; // the router's work interleaves with the sessions' in one order: deterministic
    }

    @Override
    public void close() {
        ready.clear();
        timers.clear();
    }

    /** Runs {@code step} with posts from outside the loop run at once, then everything they posted. */
    void runningPostsAtOnce(Runnable step) {
        runPostsAtOnce = true;
        try {
            step.run();
        } finally {
            runPostsAtOnce = false;
        }
        settle();
    }

    /** Runs everything that is ready now, including what that posts, without moving the clock. */
    void settle() {
        Runnable task;
        int guard = 0;
        while ((task = ready.poll()) != null) {
            if (++guard > 1_000_000) {
                throw new AssertionError("tasks keep posting tasks: a loop that never settles");
            }
            task.run();
        }
    }

    /** Moves the clock forward by {@code by}, firing each timer due on the way at its own instant. */
    void advance(Duration by) {
        long target = now + by.toNanos();
        settle();
        while (!timers.isEmpty() && timers.peek().due <= target) {
            Timer timer = timers.poll();
            now = Math.max(now, timer.due);
            if (!timer.isCancelled()) {
                timer.run();
            }
            settle();
        }
        now = target;
        settle();
    }

    /**
     * Moves the clock forward by {@code by} with nothing run meanwhile, neither what is ready nor timers: the loop was
     * busy elsewhere (a queue in front of it), as a loaded machine's is.
     */
    void stall(Duration by) {
        now += by.toNanos();
    }

    /** The timers still pending, for tests that check none is left behind. */
    int pendingTimers() {
        timers.removeIf(Timer::isCancelled);
        return timers.size();
    }

    private final class Timer extends FutureTask<Object> implements ScheduledFuture<Object> {
        final long due;
        final long seq = order++;

        Timer(Runnable task, long due) {
            super(task, null);
            this.due = due;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - now, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Timer o = (Timer) other;
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    /** Every session's loop: tasks queue until the test lets them run. */
    private final class Loop extends AbstractExecutorService implements ScheduledExecutorService {
        @Override
        public void execute(Runnable command) {
            if (runPostsAtOnce && !running) {
                running = true;
                try {
                    command.run();
                } finally {
                    running = false;
                }
                return;
            }
            ready.add(command);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            Timer timer = new Timer(command, now + unit.toNanos(Math.max(0, delay)));
            timers.add(timer);
            return timer;
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("the core schedules Runnables only");
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException("periodic work (ADVERTISE) is off in the harness");
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("periodic work (ADVERTISE) is off in the harness");
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return new ArrayList<>();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
