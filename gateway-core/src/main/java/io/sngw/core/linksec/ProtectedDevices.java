package io.sngw.core.linksec;

import io.sngw.core.linksec.LinkSecurityStats.Event;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The protection state of the devices in use: their frame keys (expanded once), the uplink replay window and the
 * downlink counter, built from the {@link RadioKeyring} on a device's first frame and dropped when its key changes.
 * Shared by every secured link of the gateway: a device's counters are its own whatever link it speaks on.
 *
 * <p>Downlink counters are reserved in the keyring ahead, {@value #BLOCK} at a time, and the next block is reserved
 * when half of the current one is used, so that a frame costs no write and a crash never leads to a reuse: after a
 * restart sending resumes past everything reserved before.
 */
public final class ProtectedDevices {
    private static final System.Logger LOG = System.getLogger(ProtectedDevices.class.getName());

    /** Downlink counters reserved per write. */
    public static final long BLOCK = 1024;
    /** From here the gateway warns that the device must pair again soon. */
    public static final long WARN_FROM = 0xF0000000L;
    public static final long LAST_COUNTER = 0xFFFFFFFFL;
    /** How long a send waits for a reservation that is not on disk yet (after a start, or a slow disk). */
    private static final long RESERVATION_WAIT_MS = 5_000;

    private final RadioKeyring keyring;
    private final LinkSecurityStats stats;
    private final Map<Long, DeviceState> inUse = new ConcurrentHashMap<>();

    public ProtectedDevices(RadioKeyring keyring, LinkSecurityStats stats) {
        this.keyring = keyring;
        this.stats = stats;
        keyring.onChange(changed -> changed.forEach(inUse::remove));
    }

    public RadioKeyring keyring() {
        return keyring;
    }

    public LinkSecurityStats stats() {
        return stats;
    }

    /** The outcome of opening an uplink DATA frame. */
    public sealed interface Opened {
        record Packet(long devid, String clientId, byte[] packet) implements Opened {
        }

        record Dropped(Event reason) implements Opened {
        }
    }

    /**
     * Opens an uplink DATA frame whose length field was checked. {@code reorder}: the link can reorder frames, so
     * the 32-frame window applies.
     */
    public Opened open(byte[] frame, boolean reorder) {
        if (frame.length < RadioFrame.OVERHEAD + 2) {
            return new Opened.Dropped(Event.DROPPED_LENGTH);
        }
        DeviceState device = state(RadioFrame.devid(frame));
        if (device == null) {
            return new Opened.Dropped(Event.DROPPED_UNKNOWN_DEVICE);
        }
        return device.open(frame, reorder);
    }

    /** A downlink DATA frame for {@code packet}, or null (counted) when it may not be sent. */
    public byte[] seal(long devid, byte[] packet) {
        DeviceState device = state(devid);
        if (device == null) {
            stats.count(Event.DROPPED_UNKNOWN_DEVICE);
            return null;
        }
        return device.seal(packet);
    }

    /** The client id a devid's key is bound to, if it has a key. */
    public Optional<String> clientIdOf(long devid) {
        DeviceState device = state(devid);
        return device == null ? Optional.empty() : Optional.of(device.clientId);
    }

    private DeviceState state(long devid) {
        DeviceState known = inUse.get(devid);
        if (known != null) {
            return known;
        }
        Optional<RadioKey> key = keyring.find(devid);
        if (key.isEmpty()) {
            return null;
        }
        return inUse.computeIfAbsent(devid, id -> new DeviceState(key.get()));
    }

    private final class DeviceState {
        final long devid;
        final String clientId;
        final java.time.Instant paired;
        final FrameProtection up;
        final FrameProtection down;
        final ReplayWindow window; // guarded by itself
        long next; // guarded by this
        volatile long reserved;
        final AtomicReference<CompletableFuture<Void>> reserving = new AtomicReference<>();
        boolean warned; // guarded by this

        DeviceState(RadioKey key) {
            devid = key.devid();
            clientId = key.clientId();
            paired = key.paired();
            LinkKeys keys = LinkKeys.derive(key.key(), devid);
            up = FrameProtection.of(devid, Direction.UPLINK, keys);
            down = FrameProtection.of(devid, Direction.DOWNLINK, keys);
            window = ReplayWindow.forRadioCounters(key.uplinkAccepted());
            // Whatever was reserved may have been sent before a crash: never again.
            reserved = key.downlinkReserved();
            next = key.downlinkReserved() + 1;
            if (next <= LAST_COUNTER) {
                reserve();
            }
        }

        Opened open(byte[] frame, boolean reorder) {
            long counter = RadioFrame.counter(frame);
            synchronized (window) {
                if (window.latest() >= LAST_COUNTER) {
                    return new Opened.Dropped(Event.DROPPED_COUNTER_EXHAUSTED);
                }
                if (!window.mayAccept(counter, reorder)) {
                    return new Opened.Dropped(Event.DROPPED_REPLAY);
                }
                byte[] packet = up.open(frame);
                if (packet == null) {
                    return new Opened.Dropped(Event.DROPPED_BAD_MIC);
                }
                window.accept(counter);
                keyring.heard(devid, paired, window.latest());
                if (counter >= WARN_FROM && counter % 65536 == 0) {
                    LOG.log(Level.WARNING, "radio device {0} ({1}): uplink counter at {2}: pair it again before it"
                            + " runs out", RadioFrame.hex(devid), clientId, Long.toHexString(counter));
                }
                return new Opened.Packet(devid, clientId, packet);
            }
        }

        synchronized byte[] seal(byte[] packet) {
            if (next > LAST_COUNTER) {
                stats.count(Event.SEND_REFUSED_COUNTER_EXHAUSTED);
                return null;
            }
            if (next > reserved && !awaitReservation()) {
                stats.count(Event.SEND_REFUSED_NO_RESERVATION);
                return null;
            }
            long counter = next++;
            if (reserved - counter < BLOCK / 2 && reserved < LAST_COUNTER && reserving.get() == null) {
                reserve();
            }
            if (counter >= WARN_FROM && !warned) {
                warned = true;
                LOG.log(Level.WARNING, "radio device {0} ({1}): downlink counter at {2}: it must pair again before"
                        + " it runs out at ffffffff", RadioFrame.hex(devid), clientId, Long.toHexString(counter));
            }
            stats.count(Event.FRAMES_SEALED);
            return down.seal(counter, packet);
        }

        /** On this device's lock; the reservation's completion does not take it. */
        private boolean awaitReservation() {
            CompletableFuture<Void> pending = reserving.get();
            if (pending == null) {
                pending = reserve();
            }
            try {
                pending.get(RESERVATION_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                LOG.log(Level.WARNING, "radio device {0}: downlink counters could not be reserved: {1}",
                        RadioFrame.hex(devid), String.valueOf(e.getMessage()));
                return false;
            }
            return next <= reserved;
        }

        private CompletableFuture<Void> reserve() {
            long upTo = Math.min(LAST_COUNTER, Math.max(reserved, next - 1) + BLOCK);
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (!reserving.compareAndSet(null, done)) {
                CompletableFuture<Void> other = reserving.get();
                return other != null ? other : CompletableFuture.completedFuture(null);
            }
            keyring.reserveDownlink(devid, upTo).whenComplete((ok, failure) -> {
                if (failure == null && upTo > reserved) {
                    reserved = upTo;
                }
                reserving.compareAndSet(done, null);
                if (failure == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(failure);
                }
            });
            return done;
        }
    }
}
