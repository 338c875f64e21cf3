package io.sngw.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Time and threads as the core sees them: the clock it reads, the single-threaded loops that own sessions (and
 * schedule their timers), and the router's own thread. {@link SessionLoops} is the real one; gateway-core's test
 * harness puts in one that runs everything on the test's thread and whose clock only moves when the test advances
 * it, so that keep-alive, T_retry and sleep durations of hours take milliseconds of test time.
 */
interface Scheduling extends AutoCloseable {

    /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** The loop that owns everything of {@code key} (a client id): always the same one for the same key. */
    ScheduledExecutorService loopFor(Object key);

    /** Any loop, for work that belongs to no session (ADVERTISE). */
    ScheduledExecutorService any();

    /** Whether the loops are so far behind that the heaviest sources should be shed ({@link FairShare}). */
    boolean congested();

    /** A single-threaded executor for the {@link Router}, which shuts it down when it closes. */
    ExecutorService newRouterExecutor();

    @Override
    void close();
}
