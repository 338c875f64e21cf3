package io.sngw.store.sqlite;

import io.sngw.core.security.Device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The device registry in memory, so that handshakes and CONNECTs never wait for the disk. Every change goes to the
 * cache first and is then queued for the writer, under one lock so that the cache and the queue see changes in
 * the same order; lookups take no lock.
 */
final class DeviceCache {

    private final ConcurrentHashMap<String, Device> devices = new ConcurrentHashMap<>();
    private final Consumer<WriteOp> writes;
    private final Clock clock;
    private final Duration touchInterval;
    private final Object changes = new Object();

    DeviceCache(Collection<Device> stored, Consumer<WriteOp> writes, Clock clock, Duration touchInterval) {
        stored.forEach(device -> devices.put(device.clientId(), device));
        this.writes = writes;
        this.clock = clock;
        this.touchInterval = touchInterval;
    }

    Optional<Device> find(String clientId) {
        Device device = devices.get(clientId);
        return device == null ? Optional.empty() : Optional.of(copy(device));
    }

    List<Device> list() {
        List<Device> all = new ArrayList<>(devices.size());
        devices.values().forEach(device -> all.add(copy(device)));
        all.sort(Comparator.comparing(Device::clientId));
        return all;
    }

    void put(Device device) {
        Device stored = normalized(device);
        synchronized (changes) {
            devices.put(stored.clientId(), stored);
            writes.accept(new WriteOp.PutDevice(stored));
        }
    }

    boolean remove(String clientId) {
        synchronized (changes) {
            boolean existed = devices.remove(clientId) != null;
            if (existed) {
                writes.accept(new WriteOp.RemoveDevice(clientId));
            }
            return existed;
        }
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
            writes.accept(new WriteOp.TouchDevice(clientId, now));
        }
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
