package io.sngw.core.linksec;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.linksec.LinkSecurityStats.Event;
import io.sngw.core.security.ClientIds;
import io.sngw.core.security.Device;
import io.sngw.core.security.DeviceRegistry;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The gateway's side of pairing over the air (docs/pairing.md). A PAIR_HELLO inside an open window gets a PAIR_OFFER
 * (a fresh X25519 key and the gateway's confirmation); a PAIR_CONFIRM that proves the sensor derived the same keys
 * (so it knew the install code) stores the device's key, adds it to the device registry and gets a PAIR_ACCEPT
 * naming its client id. Nothing is written before a valid PAIR_CONFIRM. Everything refused is counted, logged with
 * the radio address, and answered with nothing.
 */
public final class PairingResponder implements PairingHandler {
    private static final System.Logger LOG = System.getLogger(PairingResponder.class.getName());
    /** How long a HELLO's offer waits for its CONFIRM. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    /** Pairings under way at once; more HELLOs are refused (a flood cannot make the gateway hold keys without end). */
    static final int MAX_PENDING = 32;
    /** A refusal is logged as a warning once per this interval per radio and reason. */
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_LOGGED = 1024;

    private final PairingWindows windows;
    private final RadioKeyring keyring;
    private final DeviceRegistry registry;
    private final boolean allowWithoutInstallCode;
    private final LinkSecurityStats stats;
    private final Clock clock;
    private final Executor writer;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();

    private record Pending(PairingWindow window, byte[] sensorPub, byte[] offer, PairingKeys keys, Instant expires) {
    }

    /** A pairing just completed: the same CONFIRM again (its ACCEPT was lost) gets the same ACCEPT again. */
    private record Completed(byte[] confirm, byte[] accept, Instant expires) {
    }

    private final Map<Long, Completed> completed = new ConcurrentHashMap<>();

    /**
     * @param registry where a paired device is added (with ACLs "#"); null when the gateway has none
     * @param writer   where a completed pairing is stored and answered: the store write waits for its commit, which
     *                 must not hold up the transport's thread
     */
    public PairingResponder(PairingWindows windows, RadioKeyring keyring, DeviceRegistry registry,
                            boolean allowWithoutInstallCode, LinkSecurityStats stats, Clock clock, Executor writer) {
        this.windows = windows;
        this.keyring = keyring;
        this.registry = registry;
        this.allowWithoutInstallCode = allowWithoutInstallCode;
        this.stats = stats;
        this.clock = clock;
        this.writer = writer;
    }

    @Override
    public void onPairingFrame(Link link, LinkAddress from, byte[] frame) {
        try {
            switch (RadioFrame.kind(frame)) {
                case RadioFrame.KIND_PAIR_HELLO -> hello(link, from, frame);
                case RadioFrame.KIND_PAIR_CONFIRM -> confirm(link, from, frame);
                default -> refuse(Event.DROPPED_LENGTH, from, frame, "not a frame a sensor sends");
            }
        } catch (RuntimeException e) {
            // A store that cannot write: the pairing fails, the link goes on.
            pending.remove(RadioFrame.devid(frame));
            refuse(Event.PAIRING_REFUSED_UNEXPECTED, from, frame, "it could not be stored: " + e.getMessage());
        }
    }

    private void hello(Link link, LinkAddress from, byte[] frame) {
        long devid = RadioFrame.devid(frame);
        if (frame.length != RadioFrame.HELLO_LENGTH) {
            refuse(Event.DROPPED_LENGTH, from, frame, "a PAIR_HELLO is " + RadioFrame.HELLO_LENGTH + " bytes");
            return;
        }
        Instant now = clock.instant();
        PairingWindow window = windowFor(devid, now);
        if (window == null) {
            refuse(Event.PAIRING_WINDOW_CLOSED, from, frame, "no pairing window is open for it");
            return;
        }
        if (window.installCode() == null && !allowWithoutInstallCode) {
            refuse(Event.PAIRING_REFUSED_NO_INSTALL_CODE, from, frame, "the window has no install code and "
                    + "pairing.allow-without-install-code is false");
            return;
        }
        byte[] sensorPub = PairingFrames.publicKey(frame);
        Pending earlier = pending.get(devid);
        if (earlier != null && java.util.Arrays.equals(earlier.sensorPub(), sensorPub) && now.isBefore(earlier.expires())) {
            link.send(from, earlier.offer()); // the sensor did not hear the offer: the same one again
            return;
        }
        pending.values().removeIf(p -> !now.isBefore(p.expires()));
        if (earlier == null && pending.size() >= MAX_PENDING) {
            refuse(Event.PAIRING_REFUSED_UNEXPECTED, from, frame, MAX_PENDING + " pairings are under way already");
            return;
        }
        byte[] gwPrivate = PairingKeys.newPrivateKey(random);
        byte[] gwPub = PairingKeys.publicKey(gwPrivate);
        PairingKeys keys = PairingKeys.derive(devid, gwPrivate, sensorPub, sensorPub, gwPub, window.installCode());
        if (keys == null) {
            refuse(Event.PAIRING_REFUSED_BAD_KEY, from, frame, "its public key is not usable (low order)");
            return;
        }
        byte[] offer = PairingFrames.offer(devid, gwPub, keys.gatewayConfirm());
        pending.put(devid, new Pending(window, sensorPub, offer, keys, now.plus(CONFIRM_TIMEOUT)));
        stats.count(Event.PAIRING_HELLO);
        LOG.log(Level.INFO, "pairing: radio {0} from {1} says hello; offer sent", RadioFrame.hex(devid), from);
        link.send(from, offer);
    }

    private void confirm(Link link, LinkAddress from, byte[] frame) {
        long devid = RadioFrame.devid(frame);
        if (frame.length != RadioFrame.CONFIRM_LENGTH) {
            refuse(Event.DROPPED_LENGTH, from, frame, "a PAIR_CONFIRM is " + RadioFrame.CONFIRM_LENGTH + " bytes");
            return;
        }
        Instant now = clock.instant();
        Completed done = completed.get(devid);
        if (done != null && now.isBefore(done.expires()) && MessageDigest.isEqual(done.confirm(), frame)) {
            link.send(from, done.accept()); // the same bytes again: nothing written, no counter used
            return;
        }
        Pending p = pending.get(devid);
        if (p == null || !now.isBefore(p.expires())) {
            refuse(Event.PAIRING_REFUSED_UNEXPECTED, from, frame, "no offer is waiting for it (replayed or late)");
            return;
        }
        if (windows.openNow().stream().noneMatch(w -> w.id() == p.window().id())) {
            pending.remove(devid, p);
            refuse(Event.PAIRING_WINDOW_CLOSED, from, frame, "its pairing window closed");
            return;
        }
        if (!PairingKeys.matches(p.keys().sensorConfirm(), frame, PairingFrames.CONFIRM_OFFSET)) {
            // One try per offer: a wrong code (or a tampered frame) ends this attempt.
            pending.remove(devid, p);
            refuse(Event.PAIRING_REFUSED_BAD_CONFIRM, from, frame, "its confirmation is wrong (wrong install code,"
                    + " or a tampered or foreign frame)");
            return;
        }
        PairingWindow window = p.window();
        String clientId = window.clientId() != null ? window.clientId() : RadioFrame.defaultClientId(devid);
        if (!ClientIds.isValidSensorId(clientId)) {
            pending.remove(devid, p);
            refuse(Event.PAIRING_REFUSED_CLIENT_ID, from, frame, "client id " + clientId + " is not valid");
            return;
        }
        if (!pending.remove(devid, p)) {
            return; // a duplicate CONFIRM raced this one, which completes it
        }
        try {
            writer.execute(() -> complete(link, from, frame, p, clientId, now));
        } catch (RejectedExecutionException closing) {
            refuse(Event.PAIRING_REFUSED_UNEXPECTED, from, frame, "the gateway is closing");
        }
    }

    /** Stores the device and answers PAIR_ACCEPT, on the writer. */
    private void complete(Link link, LinkAddress from, byte[] frame, Pending p, String clientId, Instant now) {
        long devid = RadioFrame.devid(frame);
        PairingWindow window = p.window();
        RadioKey.Pairing how = window.installCode() != null ? RadioKey.Pairing.INSTALL_CODE
                : RadioKey.Pairing.WITHOUT_INSTALL_CODE;
        byte[] rootKey = p.keys().rootKey();
        try {
            keyring.put(RadioKey.fresh(devid, rootKey, clientId, how, now));
            if (registry != null && registry.find(clientId).isEmpty()) {
                registry.put(new Device(clientId, null, null, List.of("#"), List.of("#"), true, now, null));
            }
            if (window.clientId() != null || window.devid() != null) {
                windows.close(window.id()); // it named one device: used up
            }
        } catch (RuntimeException e) {
            refuse(Event.PAIRING_REFUSED_UNEXPECTED, from, frame, "it could not be stored: " + e.getMessage());
            return;
        }
        byte[] accept = FrameProtection.of(devid, Direction.DOWNLINK, LinkKeys.derive(rootKey, devid))
                .seal(RadioFrame.KIND_PAIR_ACCEPT, 1, clientId.getBytes(StandardCharsets.UTF_8));
        completed.values().removeIf(c -> !now.isBefore(c.expires()));
        if (completed.size() < MAX_PENDING) {
            completed.put(devid, new Completed(frame.clone(), accept, now.plus(CONFIRM_TIMEOUT)));
        }
        stats.count(Event.PAIRING_COMPLETED);
        LOG.log(Level.INFO, "pairing: radio {0} from {1} paired as {2} ({3})", RadioFrame.hex(devid), from, clientId,
                how.text());
        link.send(from, accept);
    }

    /** A window for this radio: one naming it first, else the oldest open to any radio. */
    private PairingWindow windowFor(long devid, Instant now) {
        List<PairingWindow> open = windows.openNow();
        PairingWindow any = null;
        for (PairingWindow w : open) {
            if (!w.isOpen(now) || !w.admits(devid)) {
                continue;
            }
            if (w.devid() != null) {
                return w;
            }
            if (any == null) {
                any = w;
            }
        }
        return any;
    }

    /**
     * Counted always; logged as a warning once a minute per radio and reason (a radio resending its HELLO every
     * second outside a window, or an attacker, must not flood the log), at debug level otherwise.
     */
    private void refuse(Event reason, LinkAddress from, byte[] frame, String why) {
        stats.count(reason);
        long devid = frame.length >= RadioFrame.HEADER_LENGTH ? RadioFrame.devid(frame) : 0;
        Instant now = clock.instant();
        String key = reason.ordinal() + ":" + devid;
        Instant last = lastLogged.get(key);
        boolean warn = last == null || !now.isBefore(last.plus(LOG_INTERVAL));
        if (warn) {
            if (lastLogged.size() >= MAX_LOGGED) {
                lastLogged.clear();
            }
            lastLogged.put(key, now);
        }
        LOG.log(warn ? Level.WARNING : Level.DEBUG, "pairing: frame of radio {0} from {1} refused: {2}",
                RadioFrame.hex(devid), from, why);
    }
}
