package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive, sleep and idle supervision of one {@link Session}: its client's keep-alive and sleep durations, when it
 * was last heard, and the one timer that declares it lost when it stays silent past the duration × the keep-alive
 * factor (or forgets a persistent session idle past limits.idle-expiry). Lives on the session's loop.
 */
final class Supervision {
    private static final System.Logger LOG = System.getLogger(Supervision.class.getName());

    private final Session session;
    private final String clientId;
    private final GatewayContext ctx;
    private int keepAliveSeconds;
    private int sleepSeconds;
    private long lastHeardNanos;
    private ScheduledFuture<?> timer;

    Supervision(Session session, String clientId, GatewayContext ctx) {
        this.session = session;
        this.clientId = clientId;
        this.ctx = ctx;
    }

    int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    int sleepSeconds() {
        return sleepSeconds;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** A CONNECT with this keep-alive was taken: heard now. */
    void connected(int keepAlive) {
        keepAliveSeconds = keepAlive;
        heard();
    }

    /** DISCONNECT with a sleep duration. */
    void sleep(int seconds) {
        sleepSeconds = seconds;
    }

    /** The durations a stored session had. */
    void restore(int keepAlive, int sleep) {
        keepAliveSeconds = keepAlive;
        sleepSeconds = sleep;
    }

    /** The client was heard from now; returns that instant. */
    long heard() {
        lastHeardNanos = ctx.loops.nanoTime();
        return lastHeardNanos;
    }

    /** (Re)starts the timer for the session's state now; none where nothing supervises it. */
    void arm() {
        cancel();
        long timeoutNanos = timeoutNanos();
        if (timeoutNanos <= 0) {
            timer = null;
            return;
        }
        long remaining = lastHeardNanos + timeoutNanos - ctx.loops.nanoTime();
        timer = session.loop.schedule(() -> session.post(this::check), Math.max(remaining, 0), TimeUnit.NANOSECONDS);
    }

    void stop() {
        cancel();
        timer = null;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Keep-alive or sleep duration × the factor; for a session nothing supervises, limits.idle-expiry (0 = never). */
    private long timeoutNanos() {
        SessionState state = session.state();
        int seconds = (state == SessionState.ASLEEP || state == SessionState.AWAKE) ? sleepSeconds : keepAliveSeconds;
        if (state == SessionState.DISCONNECTED || seconds == 0) {
            return ctx.options.budgets().idleExpiry().toNanos();
        }
        return (long) (TimeUnit.SECONDS.toNanos(seconds) * ctx.options.keepAliveFactor());
    }

    private void check() {
        SessionState state = session.state();
        if (state != SessionState.DISCONNECTED && !session.connected()) {
            return;
        }
        if (ctx.loops.nanoTime() - lastHeardNanos < timeoutNanos()) {
            arm();
        } else if (state == SessionState.DISCONNECTED) {
            LOG.log(System.Logger.Level.INFO, "client {0}: persistent session forgotten, its client away for {1}"
                    + " (limits.idle-expiry)", clientId, ctx.options.budgets().idleExpiry());
            ctx.metrics.increment(Counter.SESSIONS_EXPIRED);
            session.expire();
        } else if (state == SessionState.ACTIVE) {
            session.lose(keepAliveSeconds == 0 ? "silent for limits.idle-expiry without a keep-alive"
                    : "keep-alive expired");
        } else {
            session.lose(sleepSeconds == 0 ? "asleep for limits.idle-expiry without a sleep duration"
                    : "sleep duration expired");
        }
    }
}
