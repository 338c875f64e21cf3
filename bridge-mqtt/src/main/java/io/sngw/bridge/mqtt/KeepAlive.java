package io.sngw.bridge.mqtt;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Keep-alive and half-open detection for one connection: a PINGREQ when nothing was written or nothing was read for
 * {@code keepAlive} (the pipeline's {@code IdleStateHandler} says when), and the connection is given up when, after
 * that PINGREQ, nothing has arrived for 1.5 × keepAlive: a broker that vanished without a FIN (a NAT timeout, a
 * pulled cable) is noticed within that, not after TCP's own minutes. Upstream loop only.
 */
final class KeepAlive {
    private final EventLoop loop;
    private final Duration keepAlive;
    private final Runnable ping;
    private final Consumer<String> giveUp;
    private long lastReadNanos;
    private boolean pingOutstanding;
    private ScheduledFuture<?> silenceCheck;

    /** {@code ping} writes a PINGREQ; {@code giveUp} closes the connection with the reason given. */
    KeepAlive(EventLoop loop, Duration keepAlive, Runnable ping, Consumer<String> giveUp) {
        this.loop = loop;
        this.keepAlive = keepAlive;
        this.ping = ping;
        this.giveUp = giveUp;
    }

    /** Something arrived from the broker (the connection just opened counts too). */
    void onRead() {
        lastReadNanos = System.nanoTime();
        pingOutstanding = false;
    }

    /** Nothing written or nothing read for keepAlive. */
    void onIdle() {
        if (!pingOutstanding) {
            pingOutstanding = true;
            ping.run();
        }
        scheduleSilenceCheck();
    }

    void cancel() {
        if (silenceCheck != null) {
            silenceCheck.cancel(false);
        }
    }

    private long limitNanos() {
        return keepAlive.toNanos() * 3 / 2;
    }

    private void scheduleSilenceCheck() {
        if (silenceCheck != null && !silenceCheck.isDone()) {
            return;
        }
        long delay = Math.max(TimeUnit.MILLISECONDS.toNanos(1), limitNanos() - (System.nanoTime() - lastReadNanos));
        silenceCheck = loop.schedule(this::checkSilence, delay, TimeUnit.NANOSECONDS);
    }

    private void checkSilence() {
        silenceCheck = null;
        long silent = System.nanoTime() - lastReadNanos;
        if (silent >= limitNanos()) {
            giveUp.accept("nothing from broker for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms despite PINGREQ"
                    + " (keep-alive " + keepAlive.toMillis() + " ms)");
        } else if (pingOutstanding) {
            scheduleSilenceCheck();
        }
    }
}
