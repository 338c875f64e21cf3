package io.sngw.core.linksec;

/**
 * Which uplink counters a device may still use. On an ordered link (serial, most radios) only a counter above the
 * last accepted one; on a link configured to reorder (UDP across networks), also one of the 32 below it that was not
 * seen yet. Only frames whose MIC matched move it, so a forged counter cannot push it forward. Not thread-safe: its
 * owner (the device's entry) serialises use.
 */
public final class ReplayWindow {
    public static final int SIZE = 32;

    private long latest;
    private long seen; // bit i: latest - i was accepted

    /** @param latest the last accepted counter (0 when none yet) */
    public ReplayWindow(long latest) {
        this.latest = latest;
        this.seen = latest > 0 ? 1 : 0;
    }

    public long latest() {
        return latest;
    }

    /**
     * Whether {@code counter} may be accepted: above the last accepted one, or with {@code reorder} (the link can
     * reorder frames) one of the 32 below it not accepted yet.
     */
    public boolean mayAccept(long counter, boolean reorder) {
        if (counter < 1 || counter > 0xFFFFFFFFL) {
            return false;
        }
        if (counter > latest) {
            return true;
        }
        if (!reorder) {
            return false;
        }
        long diff = latest - counter;
        return diff < SIZE && (seen & (1L << diff)) == 0;
    }

    /** Records an accepted counter (after its MIC matched). */
    public void accept(long counter) {
        if (counter > latest) {
            long shift = counter - latest;
            seen = shift >= SIZE ? 1 : (seen << shift) | 1;
            latest = counter;
        } else {
            long diff = latest - counter;
            if (diff < SIZE) {
                seen |= 1L << diff;
            }
        }
    }
}
