package io.sngw.deploy.gpio;

/**
 * The activity LED: a short flash whenever a traffic counter has moved since it was last looked at. Continuous
 * traffic makes it flicker at the sampling rate instead of staying lit, so that "busy" and "stuck on" look different.
 * Not thread-safe: owned by the GPIO driver's thread.
 */
final class ActivityBlink {
    /** How long one flash lasts. */
    static final long FLASH_MILLIS = 80;

    private boolean started;
    private long lastCount;
    private long litUntil = Long.MIN_VALUE;

    /**
     * Takes the counter's value at {@code now}; a change starts a flash. The first value only sets where counting
     * starts (messages before the LED was watched are not traffic it should show).
     */
    void observe(long count, long now) {
        if (started && count != lastCount) {
            litUntil = now + FLASH_MILLIS;
        }
        started = true;
        lastCount = count;
    }

    boolean litAt(long now) {
        return now < litUntil;
    }
}
