package io.sngw.store.sqlite;

import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.PairingWindow;
import io.sngw.core.linksec.PairingWindows;
import io.sngw.core.linksec.RadioKey;
import io.sngw.core.linksec.RadioKeyring;
import io.sngw.core.store.StoreException;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The radio keyring and the pairing windows on the store's file. Reads answer from memory; writes go through the
 * store's writer. A timer notices what another process committed (the CLI's {@code sngw devices add --radio-key},
 * {@code sngw pair}) through a change counter the tables' triggers bump, and writes the uplink counters and
 * last-heard times lazily, every {@link #HEARD_WRITE_INTERVAL}: a frame costs no write. Counter reservations are
 * written at once and their future completes on commit.
 */
final class RadioKeys implements RadioKeyring, PairingWindows, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RadioKeys.class.getName());
    static final Duration HEARD_WRITE_INTERVAL = Duration.ofSeconds(2);

    private final StoreReader reader;
    private final Function<WriteOp, CompletableFuture<Void>> writer;
    private final Clock clock;
    private final List<Consumer<Set<Long>>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Long, RadioSchema.Heard> unwritten = new ConcurrentHashMap<>();
    private final AtomicInteger ownWrites = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer;
    private volatile Map<Long, RadioKey> keys;
    private volatile List<PairingWindow> windows;
    private long seen; // the timer's

    RadioKeys(StoreReader reader, Function<WriteOp, CompletableFuture<Void>> writer, Clock clock, Duration watch) {
        this.reader = reader;
        this.writer = writer;
        this.clock = clock;
        RadioSchema.Snapshot snapshot = reader.read("the radio keys", RadioSchema::read);
        install(snapshot);
        this.timer = watch.isZero() ? null : StoreThread.start("sngw-store-radio");
        if (timer != null) {
            long millis = Math.max(1, watch.toMillis());
            timer.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
            long heardMillis = HEARD_WRITE_INTERVAL.toMillis();
            timer.scheduleWithFixedDelay(this::writeHeard, heardMillis, heardMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void install(RadioSchema.Snapshot snapshot) {
        Map<Long, RadioKey> byDevid = new HashMap<>();
        snapshot.keys().forEach(k -> byDevid.put(k.devid(), k));
        keys = Map.copyOf(byDevid);
        windows = List.copyOf(snapshot.windows());
        seen = snapshot.changes();
    }

    @Override
    public Optional<RadioKey> find(long devid) {
        return Optional.ofNullable(keys.get(devid)).map(this::withUnwritten);
    }

    /** What was accepted since the last write counts: a key read again must not re-open a replay window. */
    private RadioKey withUnwritten(RadioKey k) {
        RadioSchema.Heard h = unwritten.get(k.devid());
        if (h == null || !h.paired().equals(k.paired()) || h.uplinkAccepted() <= k.uplinkAccepted()) {
            return k;
        }
        return new RadioKey(k.devid(), k.key(), k.clientId(), k.pairing(), k.paired(), k.downlinkReserved(),
                h.uplinkAccepted(), h.when());
    }

    @Override
    public Optional<RadioKey> findByClientId(String clientId) {
        for (RadioKey k : keys.values()) {
            if (k.clientId().equals(clientId)) {
                return Optional.of(withUnwritten(k));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<RadioKey> list() {
        List<RadioKey> out = new ArrayList<>();
        keys.values().forEach(k -> out.add(withUnwritten(k)));
        out.sort((a, b) -> a.clientId().compareTo(b.clientId()));
        return out;
    }

    @Override
    public void put(RadioKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (this) {
            Map<Long, RadioKey> next = new HashMap<>(keys);
            next.values().removeIf(k -> k.clientId().equals(key.clientId()) && k.devid() != key.devid());
            next.put(key.devid(), key);
            keys = Map.copyOf(next);
            unwritten.remove(key.devid());
        }
        ownWrite(new RadioSchema.PutKey(key)).join();
        tell(Set.of(key.devid()));
    }

    @Override
    public boolean remove(long devid) {
        boolean existed;
        synchronized (this) {
            Map<Long, RadioKey> next = new HashMap<>(keys);
            existed = next.remove(devid) != null;
            keys = Map.copyOf(next);
            unwritten.remove(devid);
        }
        ownWrite(new RadioSchema.RemoveKey(devid)).join();
        tell(Set.of(devid));
        return existed;
    }

    @Override
    public CompletableFuture<Void> reserveDownlink(long devid, long upTo) {
        return writer.apply(new WriteOp.Radio(new RadioSchema.Reserve(devid, upTo))).thenRun(() -> {
            synchronized (this) {
                RadioKey k = keys.get(devid);
                if (k != null && k.downlinkReserved() < upTo) {
                    Map<Long, RadioKey> next = new HashMap<>(keys);
                    next.put(devid, new RadioKey(devid, k.key(), k.clientId(), k.pairing(), k.paired(), upTo,
                            k.uplinkAccepted(), k.lastHeard()));
                    keys = Map.copyOf(next);
                }
            }
        });
    }

    @Override
    public void heard(long devid, Instant paired, long uplinkAccepted) {
        RadioKey current = keys.get(devid);
        if (current != null && current.paired().equals(paired)) {
            unwritten.put(devid, new RadioSchema.Heard(devid, paired, uplinkAccepted, clock.instant()));
        }
    }

    @Override
    public void onChange(Consumer<Set<Long>> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public PairingWindow open(Duration duration, Optional<InstallCode> installCode, Optional<String> clientId,
                              OptionalLong devid) {
        Instant now = clock.instant();
        PairingWindow window = new PairingWindow(random.nextLong() & Long.MAX_VALUE, now, now.plus(duration),
                installCode.orElse(null), clientId.orElse(null), devid.isPresent() ? devid.getAsLong() : null);
        synchronized (this) {
            List<PairingWindow> next = new ArrayList<>(windows);
            next.add(window);
            windows = List.copyOf(next);
        }
        ownWrite(new RadioSchema.OpenWindow(window)).join();
        return window;
    }

    @Override
    public List<PairingWindow> openNow() {
        Instant now = clock.instant();
        return windows.stream().filter(w -> w.isOpen(now)).toList();
    }

    @Override
    public void close(long id) {
        Instant now = clock.instant();
        synchronized (this) {
            windows = windows.stream().map(w -> w.id() == id && w.isOpen(now)
                    ? new PairingWindow(w.id(), w.opened(), now, w.installCode(), w.clientId(), w.devid()) : w)
                    .toList();
        }
        ownWrite(new RadioSchema.CloseWindow(id, now));
    }

    private CompletableFuture<Void> ownWrite(RadioSchema.Write write) {
        ownWrites.incrementAndGet();
        return writer.apply(new WriteOp.Radio(write)).whenComplete((ok, failure) -> ownWrites.decrementAndGet());
    }

    private void tell(Set<Long> devids) {
        for (Consumer<Set<Long>> l : listeners) {
            try {
                l.accept(devids);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a radio keyring listener failed", e);
            }
        }
    }

    /** Reloads when another process changed keys or windows (own writes not yet committed: next time). */
    void check() {
        if (ownWrites.get() > 0 || reader.read("the radio change counter", RadioSchema::changes) == seen) {
            return;
        }
        RadioSchema.Snapshot snapshot = reader.read("the radio keys", RadioSchema::read);
        Set<Long> changed = new HashSet<>();
        Map<Long, RadioKey> before = keys;
        synchronized (this) {
            if (ownWrites.get() > 0) {
                return;
            }
            install(snapshot);
        }
        for (RadioKey k : snapshot.keys()) {
            RadioKey old = before.get(k.devid());
            if (old == null || !java.util.Arrays.equals(old.key(), k.key()) || !old.clientId().equals(k.clientId())) {
                changed.add(k.devid());
            }
        }
        before.keySet().stream().filter(id -> !keys.containsKey(id)).forEach(changed::add);
        if (!changed.isEmpty()) {
            tell(changed);
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "radio keyring: cannot check the database for changes: {0}", e.getMessage());
        }
    }

    /** Writes the uplink counters and last-heard times accepted since the last time. */
    void writeHeard() {
        for (Long devid : new ArrayList<>(unwritten.keySet())) {
            RadioSchema.Heard h = unwritten.get(devid);
            if (h == null) {
                continue;
            }
            try {
                writer.apply(new WriteOp.Radio(h)).thenRun(() -> {
                    synchronized (this) {
                        RadioKey k = keys.get(devid);
                        if (k != null && k.paired().equals(h.paired()) && k.uplinkAccepted() < h.uplinkAccepted()) {
                            Map<Long, RadioKey> next = new HashMap<>(keys);
                            next.put(devid, new RadioKey(devid, k.key(), k.clientId(), k.pairing(), k.paired(),
                                    k.downlinkReserved(), h.uplinkAccepted(), h.when()));
                            keys = Map.copyOf(next);
                        }
                    }
                    unwritten.remove(devid, h); // after the key above holds it: find never sees less
                });
            } catch (StoreException closed) {
                return;
            }
        }
    }

    /** Writes what was heard and stops the timer; before the store's writer closes. */
    @Override
    public void close() {
        if (timer != null) {
            StoreThread.stop(timer, "a radio keyring check");
        }
        writeHeard();
    }
}
