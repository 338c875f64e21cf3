package io.sngw.store.sqlite;

import io.sngw.core.security.Device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The device registry in memory, so that handshakes and CONNECTs never wait for the disk. Every change goes to the
 * cache first and is then queued for the writer, under one lock so that the cache and the queue see changes in
 * the same order; lookups take no lock.
 *
 * <p>Another process (the CLI) may change the table behind the cache's back: {@link #replace} swaps in what was
 * read from the database, but only at a {@link Mark} when every put and remove made here is committed, so that a
 * reload never takes back a change this process made and the writer has not written yet.
 *
 * <p>Every put, remove and reload that changed a device, other than its last-seen time, is announced to
 * {@code changed} with the client ids concerned, after the lock is released.
 */
final class DeviceCache {

    private static final System.Logger LOG = System.getLogger(DeviceCache.class.getName());

    /** Replaced whole by {@link #replace}; changed in place, under {@link #changes}, by put, remove and touch. */
    private volatile ConcurrentHashMap<String, Device> devices;
    private final Function<WriteOp, CompletableFuture<Void>> writes;
    private final Clock clock;
    private final Duration touchInterval;
    private final Object changes = new Object();
    private final Consumer<Set<String>> changed;

    // guarded by changes
    private long putsAndRemoves;
    private CompletableFuture<Void> lastPutOrRemove = CompletableFuture.completedFuture(null);

    DeviceCache(Collection<Device> stored, Function<WriteOp, CompletableFuture<Void>> writes, Clock clock,
                Duration touchInterval, Consumer<Set<String>> changed) {
        this.devices = byClientId(stored);
        this.changed = changed;
        this.writes = writes;
        this.clock = clock;
        this.touchInterval = touchInterval;
    }

    Optional<Device> find(String clientId) {
        Device device = devices.get(clientId);
        return device == null ? Optional.empty() : Optional.of(copy(device));
    }

    List<Device> list() {
        Map<String, Device> now = devices;
        List<Device> all = new ArrayList<>(now.size());
        now.values().forEach(device -> all.add(copy(device)));
        all.sort(Comparator.comparing(Device::clientId));
        return all;
    }

    void put(Device device) {
        Device stored = normalized(device);
        Device old;
        synchronized (changes) {
            old = devices.put(stored.clientId(), stored);
            issued(writes.apply(new WriteOp.PutDevice(stored)));
        }
        if (old == null || !sameExceptLastSeen(old, stored)) {
            changed.accept(Set.of(stored.clientId()));
        }
    }

    boolean remove(String clientId) {
        boolean existed;
        synchronized (changes) {
            existed = devices.remove(clientId) != null;
            if (existed) {
                issued(writes.apply(new WriteOp.RemoveDevice(clientId)));
            }
        }
        if (existed) {
            changed.accept(Set.of(clientId));
        }
        return existed;
    }

    /** Writes last-seen at most once per interval: a CONNECT storm must not become a write storm. */
    void touch(String clientId) {
        Device device = devices.get(clientId);
        if (device == null) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (seenRecently(device, now)) {
            return;
        }
        synchronized (changes) {
            Device current = devices.get(clientId);
            if (current == null || seenRecently(current, now)) {
                return;
            }
            devices.put(clientId, withLastSeen(current, now));
            writes.apply(new WriteOp.TouchDevice(clientId, now));
        }
    }

    private void issued(CompletableFuture<Void> write) {
        putsAndRemoves++;
        lastPutOrRemove = write;
    }

    /**
     * The puts and removes made here so far. {@link Mark#settled()}: all of them are committed (or failed), so a
     * read that starts now sees them.
     */
    record Mark(long putsAndRemoves, CompletableFuture<Void> lastWrite) {
        boolean settled() {
            // The writer commits in queue order: the last write done means every earlier one is done too.
            return lastWrite.isDone();
        }
    }

    Mark mark() {
        synchronized (changes) {
            return new Mark(putsAndRemoves, lastPutOrRemove);
        }
    }

    /**
     * Swaps in the devices as read from the database, unless a put or remove was made here since {@code mark} (that
     * read may not hold it: the caller tries again later). Last-seen times are not counted as changes and are
     * merged, the later of the two kept: touches are written lazily and never wait for a reload.
     *
     * @param mark taken, settled, before the read started
     * @return whether the cache was replaced
     */
    boolean replace(Mark mark, Collection<Device> stored) {
        Set<String> differ = new HashSet<>();
        synchronized (changes) {
            if (putsAndRemoves != mark.putsAndRemoves()) {
                return false;
            }
            ConcurrentHashMap<String, Device> current = devices;
            ConcurrentHashMap<String, Device> fresh = byClientId(stored);
            List<String> added = new ArrayList<>();
            List<String> altered = new ArrayList<>();
            for (Device device : fresh.values()) {
                Device old = current.get(device.clientId());
                if (old == null) {
                    added.add(device.clientId());
                } else {
                    if (!sameExceptLastSeen(old, device)) {
                        altered.add(device.clientId());
                    }
                    if (seenLater(old, device)) {
                        fresh.put(device.clientId(), withLastSeen(device, old.lastSeen()));
                    }
                }
            }
            List<String> removed = current.keySet().stream().filter(id -> !fresh.containsKey(id)).toList();
            devices = fresh;
            differ.addAll(added);
            differ.addAll(altered);
            differ.addAll(removed);
            if (!differ.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "device registry reloaded, changed in the database by another"
                        + " process (sngw devices):" + names(" added", added) + names(" changed", altered)
                        + names(" removed", removed) + " now " + fresh.size() + (fresh.size() == 1 ? " device"
                        : " devices"));
            }
        }
        if (!differ.isEmpty()) {
            changed.accept(Set.copyOf(differ));
        }
        return true;
    }

    private static boolean seenLater(Device a, Device b) {
        return a.lastSeen() != null && (b.lastSeen() == null || a.lastSeen().isAfter(b.lastSeen()));
    }

    /** {@code " added a, b;"}, at most ten names; empty when there are none. */
    private static String names(String what, List<String> clientIds) {
        if (clientIds.isEmpty()) {
            return "";
        }
        List<String> sorted = clientIds.stream().sorted().toList();
        return what + " " + (sorted.size() <= 10 ? String.join(", ", sorted)
                : String.join(", ", sorted.subList(0, 10)) + " and " + (sorted.size() - 10) + " more") + ";";
    }

    /** Credentials, ACLs, enabled flag and creation time: what a reload may change. */
    private static boolean sameExceptLastSeen(Device a, Device b) {
        return a.clientId().equals(b.clientId()) && Arrays.equals(a.psk(), b.psk())
                && Objects.equals(a.certFingerprint(), b.certFingerprint())
                && a.publishPatterns().equals(b.publishPatterns())
                && a.subscribePatterns().equals(b.subscribePatterns()) && a.enabled() == b.enabled()
                && Objects.equals(a.created(), b.created());
    }

    private static ConcurrentHashMap<String, Device> byClientId(Collection<Device> stored) {
        ConcurrentHashMap<String, Device> map = new ConcurrentHashMap<>();
        stored.forEach(device -> map.put(device.clientId(), device));
        return map;
    }

    private boolean seenRecently(Device device, Instant now) {
        return device.lastSeen() != null && device.lastSeen().plus(touchInterval).isAfter(now);
    }

    /**
     * What the database gives back: instants to the millisecond, lists never null, and a key of its own so that a
     * caller changing its array afterwards changes nothing here.
     */
    private static Device normalized(Device device) {
        if (device.clientId() == null || device.clientId().isEmpty()) {
            throw new IllegalArgumentException("device client id must not be empty");
        }
        return new Device(device.clientId(), device.psk() == null ? null : device.psk().clone(),
                device.certFingerprint(), patterns(device.publishPatterns()),
                patterns(device.subscribePatterns()), device.enabled(), millis(device.created()),
                millis(device.lastSeen()));
    }

    private static List<String> patterns(List<String> patterns) {
        if (patterns == null) {
            return List.of();
        }
        for (String pattern : patterns) {
            if (pattern == null || pattern.isEmpty() || pattern.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("ACL pattern must be non-empty and without newlines: "
                        + (pattern == null ? "null" : '"' + pattern.replace("\n", "\\n") + '"'));
            }
        }
        return List.copyOf(patterns);
    }

    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private static Device withLastSeen(Device device, Instant lastSeen) {
        return new Device(device.clientId(), device.psk(), device.certFingerprint(), device.publishPatterns(),
                device.subscribePatterns(), device.enabled(), device.created(), lastSeen);
    }

    private static Device copy(Device device) {
        return device.psk() == null ? device : withPsk(device, device.psk().clone());
    }

    private static Device withPsk(Device device, byte[] psk) {
        return new Device(device.clientId(), psk, device.certFingerprint(), device.publishPatterns(),
                device.subscribePatterns(), device.enabled(), device.created(), device.lastSeen());
    }
}
