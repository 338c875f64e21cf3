package io.sngw.core;

import io.sngw.core.link.LinkAddress;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Each source's fair share of the datagrams that reach the session loops, decided on the transport's thread before
 * anything is decoded. A source (an address, or the identity a secure link proved for it) may always send
 * {@code limits.source-rate} datagrams a second; beyond that it gets at most twice the average of the other sources
 * sending in the same window, and nothing while the session loops are congested; the rest is shed and counted. One
 * address sending 60,000 datagrams a second would otherwise fill the loops' queues, the transport would wait for room,
 * and the kernel would drop every other sensor's datagrams on that socket with the flooder's. A source alone on a
 * gateway that keeps up is not limited (a single busy sensor, the benchmark's unpaced one, has what the loops take);
 * but "alone" means no other source for {@value #OTHERS_MEMORY_MILLIS} ms, not just in this window: sensors whose
 * datagrams the flood pushes out of a window (or out of the kernel's buffer) are still there, and an unpaced flood
 * served in full whenever they are silent for a tenth of a second took the CPU their reads need (26.8k flood
 * messages a second reached the broker instead of 2k). Not longer than that: a lone sensor starting right after
 * others stopped (a benchmark's next run) would be held to the floor for as long.
 *
 * <p>Counted in windows of {@value #WINDOW_MILLIS} ms; any thread, lock-free.
 */
final class FairShare {
    private static final System.Logger LOG = System.getLogger(FairShare.class.getName());
    static final long WINDOW_MILLIS = 100;
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);
    /** How long other sources are remembered after their last datagram. */
    static final long OTHERS_MEMORY_MILLIS = 2000;
    private static final long OTHERS_MEMORY_NANOS = TimeUnit.MILLISECONDS.toNanos(OTHERS_MEMORY_MILLIS);
    /** Flooding sources named in the log, so that each is named once; bounded against a flood of addresses. */
    private static final int MAX_LOGGED = 1024;

    private record Window(long startNanos, Map<Object, Source> sources, AtomicInteger admitted) {
    }

    /** One source's datagrams in a window: received, and admitted of them. */
    private static final class Source {
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger admitted = new AtomicInteger();
    }

    private final LongSupplier clock;
    private final int floorPerWindow;
    private final GatewayMetrics metrics;
    private final BooleanSupplier congested;
    private volatile Window window;
    /** When a window last had two sources or more: recorded by every such window, whatever it admits. */
    private volatile long lastSharedNanos;
    private final Set<Object> logged = ConcurrentHashMap.newKeySet();

    /** @param sourceRate datagrams a second every source may send whatever the others do; 0 turns fairness off */
    FairShare(int sourceRate, GatewayMetrics metrics, BooleanSupplier congested) {
        this(sourceRate, metrics, congested, System::nanoTime);
    }

    /** With {@code nanoClock} for {@link System#nanoTime()}: tests move time themselves. */
    FairShare(int sourceRate, GatewayMetrics metrics, BooleanSupplier congested, LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.floorPerWindow = sourceRate <= 0 ? Integer.MAX_VALUE : Math.max(1, (int) (sourceRate * WINDOW_MILLIS / 1000));
        this.metrics = metrics;
        this.congested = congested;
        long now = clock.getAsLong();
        this.window = new Window(now, new ConcurrentHashMap<>(), new AtomicInteger());
        this.lastSharedNanos = now - 2 * OTHERS_MEMORY_NANOS;
    }

    /** Whether a datagram from {@code from} goes on; a shed one is counted, and its source logged once. */
    boolean admit(LinkAddress from) {
        if (floorPerWindow == Integer.MAX_VALUE) {
            return true;
        }
        long now = clock.getAsLong();
        Window w = current(now);
        Object source = sourceOf(from);
        Source counts = w.sources.get(source);
        if (counts == null) {
            counts = w.sources.computeIfAbsent(source, s -> new Source());
            if (w.sources.size() > 1) {
                lastSharedNanos = now; // once per source and window, not per datagram
            }
        }
        int received = counts.received.incrementAndGet();
        if (received <= floorPerWindow
                || (received <= share(w, counts, now) && !congested.getAsBoolean())) {
            counts.admitted.incrementAndGet();
            w.admitted.incrementAndGet();
            return true;
        }
        metrics.increment(GatewayMetrics.Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE);
        if (logged.size() < MAX_LOGGED && logged.add(source)) {
            LOG.log(Level.WARNING, "shedding datagrams from {0}: more than its fair share while other sensors are"
                    + " sending (counted in datagrams.shed.over.fair.share; logged once per source)", from);
        }
        return false;
    }

    /**
     * Twice what the other sources had admitted on average in this window (nothing over the floor when they were
     * silent in it); unbounded when no other source was seen for {@value #OTHERS_MEMORY_MILLIS} ms. Its own traffic
     * does not count: a flood must not raise its own share.
     */
    private long share(Window w, Source own, long now) {
        int others = w.sources.size() - 1;
        if (others <= 0) {
            return now - lastSharedNanos > OTHERS_MEMORY_NANOS ? Long.MAX_VALUE : 0;
        }
        return 2L * (w.admitted.get() - own.admitted.get()) / others;
    }

    /** The identity a secure link proved is the source; otherwise the address (per socket: forwarder, sensor). */
    private static Object sourceOf(LinkAddress from) {
        String identity = from.authenticatedIdentity();
        return identity != null ? identity : from;
    }

    private Window current(long now) {
        Window w = window;
        if (now - w.startNanos < WINDOW_NANOS) {
            return w;
        }
        Window next = new Window(now, new ConcurrentHashMap<>(), new AtomicInteger());
        synchronized (this) { // once per window, not per datagram
            if (window == w) {
                window = next;
            }
            return window;
        }
    }
}
