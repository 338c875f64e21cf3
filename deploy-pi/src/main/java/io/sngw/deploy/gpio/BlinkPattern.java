package io.sngw.deploy.gpio;

/**
 * How an LED shows a state: a repeating cycle of lit and dark phases, a pure function of the time into the cycle.
 * Fast enough to tell apart at a glance and slow enough that a 25 ms tick draws each phase.
 */
public enum BlinkPattern {
    /** Dark. */
    OFF(1000),
    /** Steady on. */
    ON(1000, 1000),
    /** 500 ms on, 500 ms off. */
    SLOW_BLINK(1000, 500),
    /** 100 ms on, 100 ms off: five flashes a second. */
    FAST_BLINK(200, 100),
    /** A heartbeat: two 100 ms flashes 100 ms apart, then dark for the rest of the second. */
    DOUBLE_BLINK(1000, 100, 100, 100);

    private final int periodMillis;
    /** Alternating lit and dark phase lengths from the start of the cycle, the first lit; the rest is dark. */
    private final int[] phases;

    BlinkPattern(int periodMillis, int... phases) {
        this.periodMillis = periodMillis;
        this.phases = phases;
    }

    /** Whether the LED is lit {@code millis} after the pattern's clock started (any non-negative time). */
    public boolean litAt(long millis) {
        long t = Math.floorMod(millis, periodMillis);
        boolean lit = true;
        for (int phase : phases) {
            if (t < phase) {
                return lit;
            }
            t -= phase;
            lit = !lit;
        }
        return false;
    }

    public int periodMillis() {
        return periodMillis;
    }
}
