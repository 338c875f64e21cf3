package io.sngw.core;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions nobody supervises, oldest first: persistent sessions whose client is disconnected or was lost, and
 * sessions connected with keep-alive 0. When max-clients are held, the oldest of them gives way to a new CONNECT, so
 * that a table filled with such sessions (on purpose or not) cannot lock new sensors out.
 *
 * <p>A session marks and unmarks itself, on its own loop; {@link #takeOldest()} is called from any loop, and the session
 * it returns decides on its own loop whether it still may give way.
 */
final class IdleSessions {
    /** How stale a connected unsupervised session's mark may get before a message from it renews it. */
    private static final long RENEW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Mark(long sinceNanos, long order, Session session) {
    }

    private final ConcurrentSkipListSet<Mark> oldestFirst = new ConcurrentSkipListSet<>(
            Comparator.comparingLong((Mark m) -> m.sinceNanos).thenComparingLong(m -> m.order));
    private final Map<Session, Mark> marks = new ConcurrentHashMap<>();
    private final AtomicLong order = new AtomicLong();

    /** On the session's loop: it is unsupervised since {@code sinceNanos}. */
    void idle(Session session, long sinceNanos) {
        Mark mark = new Mark(sinceNanos, order.incrementAndGet(), session);
        Mark previous = marks.put(session, mark);
        if (previous != null) {
            oldestFirst.remove(previous);
        }
        oldestFirst.add(mark);
    }

    /** On the session's loop: its client spoke; an unsupervised session that is heard is not idle. */
    void heard(Session session, long nowNanos) {
        Mark mark = marks.get(session);
        if (mark != null && nowNanos - mark.sinceNanos > RENEW_NANOS) {
            idle(session, nowNanos);
        }
    }

    /** On the session's loop: it is supervised again, or gone. */
    void busy(Session session) {
        Mark previous = marks.remove(session);
        if (previous != null) {
            oldestFirst.remove(previous);
        }
    }

    /** The session idle the longest, taken off the list (so that two CONNECTs do not pick the same); null if none. */
    Session takeOldest() {
        while (true) {
            Mark oldest = oldestFirst.pollFirst();
            if (oldest == null) {
                return null;
            }
            if (marks.remove(oldest.session, oldest)) {
                return oldest.session;
            }
        }
    }
}
