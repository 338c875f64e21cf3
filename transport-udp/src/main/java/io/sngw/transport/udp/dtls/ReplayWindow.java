package io.sngw.transport.udp.dtls;

/**
 * The anti-replay window of RFC 6347 4.1.2.6 over the sequence numbers of records that passed authentication: a
 * record whose number is in it (seen) or below it (too old to tell) is a replay. Only authenticated records move
 * the window, so forged records cannot push it forward. Bouncy Castle keeps the same window inside its record layer
 * and drops the same records; this copy sees them first, so that they are counted as replays rather than lost
 * without a trace among other invalid records. Confined to the thread processing the peer's records.
 */
final class ReplayWindow {
    private static final int SIZE = 64;
    private static final long MAX_SEQUENCE = (1L << 48) - 1;

    private long latest = -1;
    private long bitmap; // bit i set: latest - i was seen

    boolean isReplay(long seq) {
        if (seq < 0 || seq > MAX_SEQUENCE) {
            return true;
        }
        if (latest < 0 || seq > latest) {
            return false;
        }
        long diff = latest - seq;
        return diff >= SIZE || (bitmap & (1L << diff)) != 0;
    }

    void markSeen(long seq) {
        if (seq < 0 || seq > MAX_SEQUENCE) {
            return;
        }
        if (latest < 0) {
            latest = seq;
            bitmap = 1;
        } else if (seq > latest) {
            long shift = seq - latest;
            bitmap = shift >= SIZE ? 1 : (bitmap << shift) | 1;
            latest = seq;
        } else {
            long diff = latest - seq;
            if (diff < SIZE) {
                bitmap |= 1L << diff;
            }
        }
    }
}
