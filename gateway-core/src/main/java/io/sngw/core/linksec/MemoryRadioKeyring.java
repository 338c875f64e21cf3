package io.sngw.core.linksec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A keyring and pairing windows that forget everything on restart: for a gateway without a store, and for tests. Its reservations are
 * "durable" at once.
 */
public final class MemoryRadioKeyring implements RadioKeyring, PairingWindows {
    private final Map<Long, RadioKey> keys = new ConcurrentHashMap<>();
    private final List<Consumer<Set<Long>>> listeners = new CopyOnWriteArrayList<>();
    private final List<PairingWindow> windows = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong windowIds = new java.util.concurrent.atomic.AtomicLong();
    private final java.time.Clock clock;

    public MemoryRadioKeyring() {
        this(java.time.Clock.systemUTC());
    }

    public MemoryRadioKeyring(java.time.Clock clock) {
        this.clock = clock;
    }

    @Override
    public PairingWindow open(java.time.Duration duration, Optional<InstallCode> installCode,
                              Optional<String> clientId, java.util.OptionalLong devid) {
        java.time.Instant now = clock.instant();
        PairingWindow w = new PairingWindow(windowIds.incrementAndGet(), now, now.plus(duration),
                installCode.orElse(null), clientId.orElse(null), devid.isPresent() ? devid.getAsLong() : null);
        windows.add(w);
        return w;
    }

    @Override
    public List<PairingWindow> openNow() {
        java.time.Instant now = clock.instant();
        return windows.stream().filter(w -> w.isOpen(now)).toList();
    }

    @Override
    public void close(long id) {
        windows.removeIf(w -> w.id() == id);
    }

    @Override
    public Optional<RadioKey> find(long devid) {
        return Optional.ofNullable(keys.get(devid));
    }

    @Override
    public Optional<RadioKey> findByClientId(String clientId) {
        return keys.values().stream().filter(k -> k.clientId().equals(clientId)).findFirst();
    }

    @Override
    public List<RadioKey> list() {
        return new ArrayList<>(keys.values());
    }

    @Override
    public void put(RadioKey key) {
        keys.put(key.devid(), key);
        listeners.forEach(l -> l.accept(Set.of(key.devid())));
    }

    @Override
    public boolean remove(long devid) {
        boolean existed = keys.remove(devid) != null;
        listeners.forEach(l -> l.accept(Set.of(devid)));
        return existed;
    }

    @Override
    public CompletableFuture<Void> reserveDownlink(long devid, long upTo) {
        keys.computeIfPresent(devid, (id, k) -> new RadioKey(id, k.key(), k.clientId(), k.pairing(), k.paired(),
                Math.max(upTo, k.downlinkReserved()), k.uplinkAccepted(), k.lastHeard()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void heard(long devid, java.time.Instant paired, long uplinkAccepted) {
        keys.computeIfPresent(devid, (id, k) -> !k.paired().equals(paired) ? k : new RadioKey(id, k.key(), k.clientId(), k.pairing(), k.paired(),
                k.downlinkReserved(), Math.max(uplinkAccepted, k.uplinkAccepted()), java.time.Instant.now()));
    }

    @Override
    public void onChange(Consumer<Set<Long>> listener) {
        listeners.add(listener);
    }
}
