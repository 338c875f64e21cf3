package io.sngw.deploy;

import io.sngw.core.link.LinkReceiver;
import io.sngw.core.linksec.LinkSecurity;
import io.sngw.core.linksec.LinkSecurityStats;
import io.sngw.core.linksec.MemoryRadioKeyring;
import io.sngw.core.linksec.PairingResponder;
import io.sngw.core.linksec.PairingWindows;
import io.sngw.core.linksec.ProtectedDevices;
import io.sngw.core.linksec.RadioKeyring;
import io.sngw.core.linksec.SecuredLink;
import io.sngw.core.security.DeviceRegistry;
import io.sngw.core.store.Store;
import io.sngw.store.sqlite.SqliteStore;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The link security of one gateway: the radio keyring and pairing windows (in the store when there is one), the
 * protection state every secured link shares, the pairing responder, and their counters.
 */
final class RadioSecurity implements AutoCloseable {
    private final LinkSecurityStats stats = new LinkSecurityStats();
    private final RadioKeyring keyring;
    private final PairingWindows windows;
    private final ProtectedDevices devices;
    private final PairingResponder pairing;
    /** Stores completed pairings (a commit each) off the transports' threads. */
    private final ExecutorService pairingWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sngw-pairing");
        t.setDaemon(true);
        return t;
    });

    private RadioSecurity(RadioKeyring keyring, PairingWindows windows, DeviceRegistry registry,
                          boolean allowWithoutInstallCode) {
        this.keyring = keyring;
        this.windows = windows;
        this.devices = new ProtectedDevices(keyring, stats);
        this.pairing = new PairingResponder(windows, keyring, registry, allowWithoutInstallCode, stats,
                Clock.systemUTC(), pairingWriter);
    }

    /** On the store's keyring when it is SQLite; in memory (keys forgotten on restart) otherwise. */
    static RadioSecurity of(Store store, DeviceRegistry registry, boolean allowWithoutInstallCode) {
        if (store instanceof SqliteStore sqlite) {
            return new RadioSecurity(sqlite.radioKeys(), sqlite.pairingWindows(), registry, allowWithoutInstallCode);
        }
        MemoryRadioKeyring memory = new MemoryRadioKeyring();
        return new RadioSecurity(memory, memory, registry, allowWithoutInstallCode);
    }

    /** Whether a client id is bound to a radio key: then it is admitted only over a link that proved it. */
    boolean hasKey(String clientId) {
        return keyring.findByClientId(clientId).isPresent();
    }

    /** The protection layer for one link under {@code policy}; {@code reorder}: the link can reorder frames. */
    SecuredLink secure(LinkSecurity policy, boolean reorder, LinkReceiver core) {
        return new SecuredLink(policy, reorder, devices, pairing, core);
    }

    LinkSecurityStats stats() {
        return stats;
    }

    PairingWindows windows() {
        return windows;
    }

    RadioKeyring keyring() {
        return keyring;
    }

    /** Lets a pairing being stored finish (before the store closes). */
    @Override
    public void close() {
        pairingWriter.shutdown();
        try {
            pairingWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
