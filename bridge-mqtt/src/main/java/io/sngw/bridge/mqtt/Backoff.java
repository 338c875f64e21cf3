package io.sngw.bridge.mqtt;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait before the next connection attempt: starts at {@code min}, doubles per failed attempt up to {@code max},
 * with up to 25 % jitter (so that gateways cut off together do not come back in step). It starts over from
 * {@code min} only after a connection stayed up for {@code max}, so a broker that accepts and drops at once is not
 * hammered. Upstream loop only.
 */
final class Backoff {
    private static final int MAX_ATTEMPT = 62;

    private final long minMillis;
    private final long maxMillis;
    private int failedAttempts;

    Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** A connection that was up for {@code upNanos} ended: forgive the past failures if it lasted long enough. */
    void connectionLost(long upNanos) {
        if (upNanos >= maxMillis * 1_000_000L) {
            failedAttempts = 0;
        }
    }

    /** The delay before the next attempt; counts it as one more failed attempt. */
    long nextDelayMillis() {
        long delay = delayMillis(minMillis, maxMillis, failedAttempts, ThreadLocalRandom.current().nextDouble());
        failedAttempts = Math.min(failedAttempts + 1, MAX_ATTEMPT);
        return delay;
    }

    /**
     * The delay before reconnect attempt {@code attempt} (0 = first after a loss): {@code min·2^attempt} capped at
     * {@code max}, minus up to 25 % jitter ({@code random} in [0, 1)), never below {@code min}.
     */
    static long delayMillis(long min, long max, int attempt, double random) {
        long base = attempt >= MAX_ATTEMPT || min > (max >> attempt) ? max : min << attempt;
        long jittered = base - (long) (base * 0.25 * random);
        return Math.max(Math.max(1, min), jittered);
    }
}
