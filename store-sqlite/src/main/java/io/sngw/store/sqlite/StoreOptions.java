package io.sngw.store.sqlite;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SqliteStore} opens and writes.
 *
 * @param onCorrupt     what to do with a database file that is not a database or fails its integrity check
 * @param busyTimeout   how long a statement waits for a lock held by another connection (another process, a
 *                      checkpoint) before its batch fails
 * @param maxBatch      the most writes committed in one transaction; bounds the latency of the first write of a
 *                      batch behind a burst
 * @param touchInterval a device's last-seen time is written at most this often
 * @param clock         the time source for last-seen times and the names of moved-aside files
 * @param deviceWatch   how often to check whether another process (the CLI) changed the devices table, and reload
 *                      the device cache when it did; zero = never (a short-lived process such as the CLI itself)
 */
public record StoreOptions(OnCorrupt onCorrupt, Duration busyTimeout, int maxBatch, Duration touchInterval,
                           Clock clock, Duration deviceWatch) {

    /** What {@link SqliteStore#open} does with a corrupt database file. */
    public enum OnCorrupt {
        /** Rename it (and its -wal/-shm) to {@code sngw.db.corrupt-<timestamp>}, log an error and start empty. */
        MOVE_ASIDE,
        /** Refuse to start: throw {@link io.sngw.core.store.StoreException} naming the file. */
        FAIL
    }

    public StoreOptions {
        Objects.requireNonNull(onCorrupt, "onCorrupt");
        Objects.requireNonNull(clock, "clock");
        if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("busyTimeout out of range: " + busyTimeout);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
        }
        if (touchInterval.isNegative()) {
            throw new IllegalArgumentException("touchInterval must not be negative: " + touchInterval);
        }
        if (deviceWatch.isNegative()) {
            throw new IllegalArgumentException("deviceWatch must not be negative: " + deviceWatch);
        }
    }

    public static StoreOptions defaults() {
        return new StoreOptions(OnCorrupt.MOVE_ASIDE, Duration.ofSeconds(5), 5_000, Duration.ofMinutes(1),
                Clock.systemUTC(), Duration.ofSeconds(2));
    }

    public StoreOptions withOnCorrupt(OnCorrupt value) {
        return new StoreOptions(value, busyTimeout, maxBatch, touchInterval, clock, deviceWatch);
    }

    public StoreOptions withBusyTimeout(Duration value) {
        return new StoreOptions(onCorrupt, value, maxBatch, touchInterval, clock, deviceWatch);
    }

    public StoreOptions withMaxBatch(int value) {
        return new StoreOptions(onCorrupt, busyTimeout, value, touchInterval, clock, deviceWatch);
    }

    public StoreOptions withTouchInterval(Duration value) {
        return new StoreOptions(onCorrupt, busyTimeout, maxBatch, value, clock, deviceWatch);
    }

    public StoreOptions withDeviceWatch(Duration value) {
        return new StoreOptions(onCorrupt, busyTimeout, maxBatch, touchInterval, clock, value);
    }

    public StoreOptions withClock(Clock value) {
        return new StoreOptions(onCorrupt, busyTimeout, maxBatch, touchInterval, value, deviceWatch);
    }
}
