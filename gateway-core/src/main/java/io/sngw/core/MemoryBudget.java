package io.sngw.core;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One global bound on a kind of per-client state (registrations, subscriptions, kept messages), shared by every
 * session: a per-client limit times 100,000 clients is far more than a Pi's heap, so the total is bounded too.
 * Lock-free: sessions on every loop take and give back.
 */
public final class MemoryBudget {
    private static final System.Logger LOG = System.getLogger(MemoryBudget.class.getName());

    private final String name;
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicBoolean spentLogged = new AtomicBoolean();

    public MemoryBudget(String name, long limit) {
        this.name = name;
        this.limit = limit;
    }

    /** No bound: for registries that are not part of a gateway (tests, tools). */
    public static MemoryBudget unbounded(String name) {
        return new MemoryBudget(name, Long.MAX_VALUE);
    }

    /** Takes one unit; false (and nothing taken) when the budget is spent. */
    public boolean tryTake() {
        while (true) {
            long now = used.get();
            if (now >= limit) {
                if (spentLogged.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "the gateway''s budget of {0} {1} is spent: more are refused with the"
                            + " congestion code (logged once)", limit, name);
                }
                return false;
            }
            if (used.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Takes {@code n} units whatever the limit: state restored from the store existed before the restart. */
    public void takeAnyway(long n) {
        used.addAndGet(n);
    }

    public void release(long n) {
        used.addAndGet(-n);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }

    @Override
    public String toString() {
        return name + " " + used.get() + "/" + limit;
    }
}
