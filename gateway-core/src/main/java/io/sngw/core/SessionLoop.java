package io.sngw.core;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that owns sessions: a lock-free task queue in front of a single consumer, with timers kept apart.
 *
 * <p>Why not a {@link ScheduledThreadPoolExecutor} per loop: it keeps immediate tasks in the same locked heap as
 * every session's keep-alive timer, so with many sleeping sessions each datagram paid a lock, an allocation and a
 * sift through a heap of 50,000 timers (measured: 5.7 µs per QoS 0 message through the core). Here a task is one
 * {@link ConcurrentLinkedQueue#offer}; the consumer is woken only when it is parked; timers live in a shared timer
 * thread that posts each one back onto the loop when it is due.
 *
 * <p>Backpressure: at most {@link #MAX_QUEUED} tasks wait. A thread outside the gateway's own loops (a transport's
 * I/O thread, the broker connection) that finds the queue full waits for room, so under overload datagrams stay in
 * the socket's receive buffer, where the kernel drops the excess, instead of piling up in the heap. The loops
 * themselves and the timer never wait (one loop posting to another must not deadlock), so the bound can be
 * overshot by what they post.
 *
 * <p>A timer cancelled on the loop before it ran never runs, even when it was already due and queued: the task is
 * a {@link FutureTask}, whose cancellation and run are decided by one compare-and-set.
 */
public final class SessionLoop extends AbstractExecutorService implements ScheduledExecutorService {
    private static final System.Logger LOG = System.getLogger(SessionLoop.class.getName());

    /** Roughly 50 ms of work at the rates this machine class reaches; beyond it outside producers wait. */
    static final int MAX_QUEUED = 16_384;
    private static final long FULL_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean parked = new AtomicBoolean();
    private final ScheduledThreadPoolExecutor timer;
    private final Thread thread;
    private volatile boolean shutdown;
    private volatile boolean terminated;

    /** Threads of the gateway's own loops: they never wait for room in a queue. */
    static final class OwnThread extends Thread {
        OwnThread(Runnable body, String name) {
            super(body, name);
            setDaemon(true);
        }
    }

    /**
     * A {@link #standalone} loop: the timer is its alone (shutting the loop down stops it too), and nobody waits for
     * room in its queue (its producers include the broker connection's event loop, which must never block).
     */
    private final boolean ownsTimer;

    SessionLoop(String name, ScheduledThreadPoolExecutor timer) {
        this(name, timer, false);
    }

    private SessionLoop(String name, ScheduledThreadPoolExecutor timer, boolean ownsTimer) {
        this.timer = timer;
        this.ownsTimer = ownsTimer;
        this.thread = new OwnThread(this::runLoop, name);
        thread.start();
    }

    /**
     * A loop with a timer thread of its own, for an owner of state outside the sessions (the outbound queue): the
     * same lock-free hand-off, and a thread that never waits when it posts to the session loops.
     */
    public static ScheduledExecutorService standalone(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> new OwnThread(r, name + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return new SessionLoop(name, timer, true);
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException(thread.getName() + " is shut down");
        }
        if (queued.getAndIncrement() >= MAX_QUEUED && !ownsTimer && !(Thread.currentThread() instanceof OwnThread)) {
            waitForRoom();
        }
        tasks.offer(task);
        if (parked.get() && parked.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    private void waitForRoom() {
        while (queued.get() > MAX_QUEUED && !shutdown) {
            LockSupport.parkNanos(FULL_WAIT_NANOS);
        }
    }

    private void runLoop() {
        while (true) {
            Runnable task = tasks.poll();
            if (task != null) {
                queued.decrementAndGet();
                runSafely(task);
                continue;
            }
            if (shutdown) {
                break;
            }
            parked.set(true);
            // Re-check after announcing the park: a producer either sees the flag or its task is seen here.
            if (tasks.isEmpty() && !shutdown) {
                LockSupport.park(this);
            }
            parked.set(false);
        }
        terminated = true;
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            // Session.post already catches and counts; anything else (a link's own bug) must not end the loop.
            LOG.log(Level.ERROR, thread.getName() + ": task failed", e);
        }
    }

    /** Tasks waiting now; for tests and diagnostics. */
    int queuedTasks() {
        return Math.max(0, queued.get());
    }

    // ------------------------------------------------------------------------------------------------ timers

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(new LoopTimerTask<>(command, null), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return schedule(new LoopTimerTask<>(callable), delay, unit);
    }

    private <V> ScheduledFuture<V> schedule(LoopTimerTask<V> task, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new RejectedExecutionException(thread.getName() + " is shut down");
        }
        task.trigger = timer.schedule(() -> postDue(task), delay, unit);
        return task;
    }

    private void postDue(Runnable task) {
        try {
            execute(task);
        } catch (RejectedExecutionException closing) {
            // the loop is shutting down: its pending timers are dropped, as before
        }
    }

    /** Periodic work (ADVERTISE): each run is posted to the loop; cancel stops the schedule. */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return timer.scheduleAtFixedRate(() -> postDue(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return timer.scheduleWithFixedDelay(() -> postDue(command), initialDelay, delay, unit);
    }

    /** A one-shot timer: run on the loop unless cancelled first; the trigger in the timer is removed on cancel. */
    private static final class LoopTimerTask<V> extends FutureTask<V> implements ScheduledFuture<V> {
        volatile ScheduledFuture<?> trigger;

        LoopTimerTask(Callable<V> callable) {
            super(callable);
        }

        LoopTimerTask(Runnable runnable, V result) {
            super(runnable, result);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(false);
            ScheduledFuture<?> t = trigger;
            if (t != null) {
                t.cancel(false);
            }
            return cancelled;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            ScheduledFuture<?> t = trigger;
            return t == null ? 0 : t.getDelay(unit);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Stops taking tasks; what is queued still runs; pending timers are dropped (they post into a closed loop). */
    @Override
    public void shutdown() {
        shutdown = true;
        if (ownsTimer) {
            timer.shutdownNow();
        }
        LockSupport.unpark(thread);
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> left = new ArrayList<>();
        Runnable r;
        while ((r = tasks.poll()) != null) {
            left.add(r);
        }
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return terminated;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        thread.join(Math.max(1, unit.toMillis(timeout)));
        return terminated;
    }
}
