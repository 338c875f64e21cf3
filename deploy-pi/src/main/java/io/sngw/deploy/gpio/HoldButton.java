package io.sngw.deploy.gpio;

/**
 * A push button that acts once when held for a given time, from samples of its level. A release shorter than
 * {@link #DEBOUNCE_MILLIS} is contact bounce and does not restart the hold; a longer one ends the press, so a short
 * press does nothing. A button found pressed when watching starts (stuck, or wired the other way round) acts only
 * after it has been released once. Not thread-safe: owned by the GPIO driver's thread.
 */
final class HoldButton {
    static final long DEBOUNCE_MILLIS = 50;

    private final long holdMillis;
    private boolean armed;
    private long pressedSince = -1;
    private long releasedSince = -1;
    private boolean fired;

    HoldButton(long holdMillis) {
        this.holdMillis = holdMillis;
    }

    /** Whether a release has been seen since watching started: only then can a press act. */
    boolean armed() {
        return armed;
    }

    /** Takes one sample; true exactly once per press, at the sample where it has been held for the hold time. */
    boolean sample(boolean pressed, long now) {
        if (!armed) {
            armed = !pressed;
            return false;
        }
        if (pressed) {
            releasedSince = -1;
            if (pressedSince < 0) {
                pressedSince = now;
            }
            if (!fired && now - pressedSince >= holdMillis) {
                fired = true;
                return true;
            }
            return false;
        }
        if (pressedSince >= 0) {
            if (releasedSince < 0) {
                releasedSince = now;
            }
            if (now - releasedSince >= DEBOUNCE_MILLIS) {
                pressedSince = -1;
                releasedSince = -1;
                fired = false;
            }
        }
        return false;
    }
}
