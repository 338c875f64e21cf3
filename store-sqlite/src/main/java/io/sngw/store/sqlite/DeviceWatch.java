package io.sngw.store.sqlite;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices changes another process made to the devices table (the CLI's {@code sngw devices}, writing the same file)
 * and reloads the {@link DeviceCache}. Every interval it reads the counter that the schema's triggers bump on each
 * change of a device's credentials, ACLs or enabled flag — one row, on the read connection — and only when that
 * moved reads the whole table. The gateway's own last-seen writes do not move it; its own puts and removes do, and
 * cost one reload that changes nothing.
 */
final class DeviceWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DeviceWatch.class.getName());

    private final StoreReader reader;
    private final DeviceCache cache;
    private final ScheduledExecutorService timer;

    // Owned by the timer's thread (and the constructor, before it starts).
    private long seen;
    private boolean failing;

    /**
     * @param seen the counter that went with the devices the cache was built from
     */
    DeviceWatch(StoreReader reader, DeviceCache cache, long seen, Duration interval) {
        this.reader = reader;
        this.cache = cache;
        this.seen = seen;
        this.timer = StoreThread.start("sngw-store-devices");
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Reloads the cache when the devices table changed since the last check; a no-op otherwise. */
    void check() {
        if (reader.deviceChanges() == seen) {
            return;
        }
        DeviceCache.Mark mark = cache.mark();
        if (!mark.settled()) {
            return; // a put or remove of this process is not committed yet: the next check reloads
        }
        StoreReader.Devices stored = reader.devices();
        if (cache.replace(mark, stored.devices())) {
            seen = stored.changes();
        }
    }

    /** A failed check must not end the timer (a scheduled task that throws is never run again). */
    private void checkQuietly() {
        try {
            check();
            if (failing) {
                failing = false;
                LOG.log(Level.INFO, "device registry: watching the database for changes again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.log(Level.WARNING, "device registry: cannot check the database for changes made by other"
                        + " processes (retried; logged once until it works again): {0}", e.getMessage());
            }
        }
    }

    /** Stops the timer and waits for a check under way. */
    @Override
    public void close() {
        StoreThread.stop(timer, "a check for changes");
    }
}
