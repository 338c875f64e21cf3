package io.sngw.sim.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client resends a request that got no answer, as a real sensor does (T_retry, N_retry): after
 * {@code interval} without an answer the request goes out again (with DUP where the message has it), at most
 * {@code maxRetries} times; one more interval after the last resend, the request has failed.
 */
public record RetryPolicy(Duration interval, int maxRetries) {

    private static final RetryPolicy NONE = new RetryPolicy(Duration.ofSeconds(1), 0);

    public RetryPolicy {
        Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("retry interval must be positive: " + interval);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max retries must be 0 or more: " + maxRetries);
        }
    }

    /** No resends: a request waits once, for the client's timeout. The default, so tests see every byte once. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** What the spec recommends for a sensor: T_retry 10 s, N_retry 3. */
    public static RetryPolicy sensorDefaults() {
        return new RetryPolicy(Duration.ofSeconds(10), 3);
    }

    public boolean enabled() {
        return maxRetries > 0;
    }
}
