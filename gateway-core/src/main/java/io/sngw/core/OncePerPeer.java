package io.sngw.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A log line about a peer's bad input (a malformed datagram, a failed DTLS handshake) at INFO, once per peer and
 * reason within a period, and at most so many a minute in all: an operator sees that a sensor has the wrong key or
 * speaks the wrong protocol, and a flood from spoofed addresses cannot fill the journal. Lines left out by the overall
 * limit are counted in the next line that is written. Bad input is not the hot path: a short lock is fine here.
 */
public final class OncePerPeer {

    private final System.Logger log;
    private final long periodNanos;
    private final int maxPerMinute;
    private final int maxKeys;
    private final LongSupplier nanoClock;

    // guarded by this
    private final Map<String, Long> lastLogged;
    private long minuteStart;
    private int inThisMinute;
    private long leftOut;

    /** Once per key every {@code period}, at most 30 lines a minute, remembering the last 4096 keys. */
    public OncePerPeer(System.Logger log, Duration period) {
        this(log, period, 30, 4096, System::nanoTime);
    }

    OncePerPeer(System.Logger log, Duration period, int maxPerMinute, int maxKeys, LongSupplier nanoClock) {
        this.log = log;
        this.periodNanos = period.toNanos();
        this.maxPerMinute = maxPerMinute;
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
        this.minuteStart = nanoClock.getAsLong();
        this.lastLogged = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > OncePerPeer.this.maxKeys;
            }
        };
    }

    /**
     * Logs {@code message} at INFO unless this peer and reason was logged within the period, or the minute's lines are
     * spent; returns whether it was written.
     *
     * @param peer   the address (and identity) the line is about
     * @param reason why its input was refused: one line per reason
     */
    public boolean log(String peer, Object reason, Supplier<String> message) {
        long leftOutBefore;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            String key = peer + "\u0000" + reason;
            Long last = lastLogged.get(key);
            if (last != null && now - last < periodNanos) {
                return false;
            }
            if (now - minuteStart >= 60_000_000_000L) {
                minuteStart = now;
                inThisMinute = 0;
            }
            if (inThisMinute >= maxPerMinute) {
                leftOut++;
                return false;
            }
            inThisMinute++;
            lastLogged.put(key, now);
            leftOutBefore = leftOut;
            leftOut = 0;
        }
        String line = message.get();
        log.log(Level.INFO, leftOutBefore == 0 ? line
                : line + " (" + Plural.of(leftOutBefore, "similar line") + " left out before this one)");
        return true;
    }
}
