package io.sngw.core.linksec;

/**
 * An anti-replay window over the numbers a peer puts on what it sends (radio frame counters, DTLS record sequence
 * numbers): the highest number accepted, and which of the {@code size} numbers below it were accepted too. Only what
 * passed authentication is recorded, so a forged number cannot push the window forward. Not thread-safe: its owner
 * (a device's entry, a DTLS peer's thread) serialises use.
 */
public final class ReplayWindow {
    /** How far below the newest counter a radio frame may arrive on a link that reorders. */
    public static final int RADIO_SIZE = 32;
    private static final long RADIO_LAST = 0xFFFFFFFFL;
    /** RFC 6347 4.1.2.6: 64 records, 48-bit sequence numbers from 0. */
    private static final int DTLS_SIZE = 64;
    private static final long DTLS_LAST = (1L << 48) - 1;

    private final int size;
    private final long first;
    private final long last;
    private long latest; // first - 1 while nothing was accepted
    private long seen; // bit i: latest - i was accepted

    private ReplayWindow(int size, long first, long last, long latest) {
        if (size < 1 || size > Long.SIZE) {
            throw new IllegalArgumentException("window size " + size + " not in 1.." + Long.SIZE);
        }
        this.size = size;
        this.first = first;
        this.last = last;
        this.latest = Math.max(latest, first - 1);
        this.seen = this.latest >= first ? 1 : 0;
    }

    /** Radio frame counters 1 .. 2³²−1; {@code latestAccepted} is the one the store remembers (0 when none yet). */
    public static ReplayWindow forRadioCounters(long latestAccepted) {
        return new ReplayWindow(RADIO_SIZE, 1, RADIO_LAST, latestAccepted);
    }

    /** DTLS record sequence numbers of one epoch, nothing seen yet. */
    public static ReplayWindow forDtlsRecords() {
        return new ReplayWindow(DTLS_SIZE, 0, DTLS_LAST, -1);
    }

    /** The highest number accepted, or one below the first valid number while none was. */
    public long latest() {
        return latest;
    }

    /** Whether {@code n} was never accepted and is not too old to tell: above the latest, or unseen within the window. */
    public boolean isFresh(long n) {
        if (!inRange(n)) {
            return false;
        }
        if (n > latest) {
            return true;
        }
        long diff = latest - n;
        return diff < size && (seen & (1L << diff)) == 0;
    }

    /**
     * Whether a radio frame's counter may be accepted: on an ordered link (serial, most radios) only above the last
     * accepted one; on a link that can reorder (UDP across networks) any fresh one.
     */
    public boolean mayAccept(long counter, boolean reorder) {
        return reorder ? isFresh(counter) : inRange(counter) && counter > latest;
    }

    /** Records an accepted number (after its authentication passed); a number outside the valid range is ignored. */
    public void accept(long n) {
        if (!inRange(n)) {
            return;
        }
        if (n > latest) {
            long shift = n - latest;
            seen = shift >= size ? 1 : (seen << shift) | 1;
            latest = n;
        } else {
            long diff = latest - n;
            if (diff < size) {
                seen |= 1L << diff;
            }
        }
    }

    private boolean inRange(long n) {
        return n >= first && n <= last;
    }
}
