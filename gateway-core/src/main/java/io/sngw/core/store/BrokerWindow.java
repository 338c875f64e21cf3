package io.sngw.core.store;

/**
 * How many queued messages may await the broker's acknowledgement at once: at most the configured window, and fewer
 * while more would only make them wait inside the broker.
 *
 * <p>Why: a message is written to disk when the broker has not acknowledged it within the write delay of its
 * sending. With the whole window in flight a broker working at its limit answers each message a window's worth of
 * messages later (1,000 at 18k msg/s: 55 ms), so under a load the broker only just carries nearly every message cost a
 * row and its deletion, and sat in the broker's socket buffers meanwhile. Those messages wait just as well in the queue
 * (in memory, not sent, not written, their sensors not acknowledged yet: nothing is lost in a crash), and the broker
 * stays as busy with the part of the window it needs. So the window adapts to the broker's answers, delay-based
 * (as TCP Vegas does), per round of acknowledgements (one window's worth): a round whose every answer came later than
 * a quarter of the write delay (a standing queue in the broker, not a moment's pause of a busy machine, which delays
 * only the answers of that moment) shrinks it by a quarter; a round whose answers came within that on average, while
 * messages waited for a place, grows it by an eighth. Aiming at a quarter, not at the write delay itself, leaves the
 * spread of the answers around their average below the write delay too.
 * Measured on a 2-core machine, 100 sensors × window 10 against a local Mosquitto: 1.87 → 0.06 disk writes per
 * message and end-to-end p99 340 → 88 ms, at the same throughput.
 *
 * <p>It adapts only where it can spare the disk: when even the fastest answer of the last seconds (the base round
 * trip: a far broker, a cellular link) takes more than half the write delay, every message is written anyway and
 * holding messages back would only cost throughput, so the whole configured window is used. The same without a write
 * delay. Owned by the queue's thread.
 */
final class BrokerWindow {
    /** Never fewer in flight than this: a local broker needs a few dozen to stay busy between two of its reads. */
    static final int MIN = 32;
    private static final int MIN_ROUND = 16;
    /** The base round trip is the fastest answer over the last two of these periods. */
    private static final long BASE_PERIOD_NANOS = 5_000_000_000L;

    private final int max;
    /** The latency aimed at: a quarter of the write delay. */
    private final long targetNanos;
    /** A broker whose fastest answer takes longer than this (half the write delay) is far: no adaptation. */
    private final long farNanos;
    /** Volatile only so that the counters may read it from elsewhere; it changes once a round. */
    private volatile int size;

    // The current round of acknowledgements.
    private int roundAcks;
    private long roundLatencySum;
    private long roundFastest = Long.MAX_VALUE;
    private boolean roundLimited;

    // The base round trip: the minimum of the current and the previous period.
    private long baseCurrent = Long.MAX_VALUE;
    private long basePrevious = Long.MAX_VALUE;
    private long periodStart;
    private boolean periodStarted;

    /**
     * @param max             the configured window (store.queue-window)
     * @param writeDelayNanos the queue's write delay; 0 turns the adaptation off
     */
    BrokerWindow(int max, long writeDelayNanos) {
        this.max = max;
        this.targetNanos = writeDelayNanos / 4;
        this.farNanos = writeDelayNanos / 2;
        this.size = max;
    }

    /** Messages that may be in flight now. */
    int size() {
        return size;
    }

    /**
     * The broker acknowledged a message.
     *
     * @param latencyNanos from its sending to the acknowledgement
     * @param waiting      whether other messages waited for a place in the window meanwhile (the window limited)
     * @param now          {@link System#nanoTime()}
     */
    void acknowledged(long latencyNanos, boolean waiting, long now) {
        if (targetNanos == 0 || max <= MIN) {
            return;
        }
        trackBase(latencyNanos, now);
        roundAcks++;
        roundLatencySum += latencyNanos;
        roundFastest = Math.min(roundFastest, latencyNanos);
        roundLimited |= waiting;
        if (roundAcks < Math.max(MIN_ROUND, size)) {
            return;
        }
        long average = roundLatencySum / roundAcks;
        if (base() > farNanos) {
            size = max; // far away: every message is written whatever the window, so it does not hold them back
        } else if (roundFastest > targetNanos) {
            size = Math.max(MIN, size - size / 4);
        } else if (average <= targetNanos && roundLimited) {
            size = Math.min(max, size + size / 8 + 1);
        }
        startRound();
    }

    /** The connection to the broker changed: what was measured belonged to the old one. */
    void reset() {
        size = max;
        startRound();
        baseCurrent = Long.MAX_VALUE;
        basePrevious = Long.MAX_VALUE;
        periodStarted = false;
    }

    private void startRound() {
        roundAcks = 0;
        roundLatencySum = 0;
        roundFastest = Long.MAX_VALUE;
        roundLimited = false;
    }

    private void trackBase(long latencyNanos, long now) {
        if (!periodStarted) {
            periodStarted = true;
            periodStart = now;
        } else if (now - periodStart >= BASE_PERIOD_NANOS) {
            basePrevious = baseCurrent;
            baseCurrent = Long.MAX_VALUE;
            periodStart = now;
        }
        baseCurrent = Math.min(baseCurrent, latencyNanos);
    }

    private long base() {
        return Math.min(baseCurrent, basePrevious);
    }
}
