package io.sngw.store.sqlite;

import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.PairingWindow;
import io.sngw.core.linksec.RadioKey;
import io.sngw.core.linksec.RadioKeyring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.sngw.store.sqlite.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The radio keyring and pairing windows on the store file, as the gateway and the CLI share them. */
class RadioKeysTest {
    private static final long DEVID = 0x0013a20041b2c3d4L;
    private static final byte[] K = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    private static final StoreOptions CLI = StoreOptions.defaults().withDeviceWatch(Duration.ZERO);

    @TempDir
    Path dir;

    private static RadioKey key(String clientId) {
        return RadioKey.fresh(DEVID, K, clientId, RadioKey.Pairing.INSTALL_CODE, Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void aKeyAndItsReservationSurviveReopening() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.radioKeys().put(key("valve-1"));
            store.radioKeys().reserveDownlink(DEVID, 1025).join();
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            RadioKey k = store.radioKeys().find(DEVID).orElseThrow();
            assertArrayEquals(K, k.key());
            assertEquals("valve-1", k.clientId());
            assertEquals(RadioKey.Pairing.INSTALL_CODE, k.pairing());
            assertEquals(1025, k.downlinkReserved());
            assertEquals(Optional.of(k), store.radioKeys().findByClientId("valve-1"));
        }
    }

    @Test
    void aReservationIsNeverLowered() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.radioKeys().put(key("valve-1"));
            store.radioKeys().reserveDownlink(DEVID, 2048).join();
            store.radioKeys().reserveDownlink(DEVID, 1024).join();
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(2048, store.radioKeys().find(DEVID).orElseThrow().downlinkReserved());
        }
    }

    @Test
    void theUplinkCounterIsAnsweredAtOnceAndWrittenLazilyAndOnClose() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.radioKeys().put(key("valve-1"));
            store.radioKeys().heard(DEVID, key("valve-1").paired(), 7);
            RadioKey k = store.radioKeys().find(DEVID).orElseThrow();
            assertEquals(7, k.uplinkAccepted());
            assertTrue(k.lastHeard() != null);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(7, store.radioKeys().find(DEVID).orElseThrow().uplinkAccepted());
        }
    }

    @Test
    void aFrameOfAReplacedKeyDoesNotMoveTheNewKeysCounter() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.radioKeys().put(key("valve-1"));
            RadioKey repaired = RadioKey.fresh(DEVID, K, "valve-1", RadioKey.Pairing.INSTALL_CODE,
                    Instant.parse("2026-02-02T03:04:05Z"));
            store.radioKeys().put(repaired);
            store.radioKeys().heard(DEVID, key("valve-1").paired(), 500);
            assertEquals(0, store.radioKeys().find(DEVID).orElseThrow().uplinkAccepted());
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(0, store.radioKeys().find(DEVID).orElseThrow().uplinkAccepted());
        }
    }

    @Test
    void aKeyAddedByAnotherProcessReachesTheGatewayAndItsListeners() throws Exception {
        try (SqliteStore gateway = SqliteStore.open(dir); SqliteStore cli = SqliteStore.open(dir, CLI)) {
            Set<Long> told = ConcurrentHashMap.newKeySet();
            gateway.radioKeys().onChange(told::addAll);
            cli.radioKeys().put(key("valve-1"));
            await("the gateway finds the key", () -> gateway.radioKeys().find(DEVID).isPresent());
            await("its listener is told", () -> told.contains(DEVID));
            assertTrue(cli.radioKeys().remove(DEVID));
            await("the gateway forgets the key", () -> gateway.radioKeys().find(DEVID).isEmpty());
        }
    }

    @Test
    void aClientIdBelongsToOneRadio() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            RadioKeyring keys = store.radioKeys();
            keys.put(key("valve-1"));
            keys.put(RadioKey.fresh(DEVID + 1, K, "valve-1", RadioKey.Pairing.PROVISIONED, Instant.now()));
            assertFalse(keys.find(DEVID).isPresent());
            assertEquals(DEVID + 1, keys.findByClientId("valve-1").orElseThrow().devid());
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(1, store.radioKeys().list().size());
        }
    }

    @Test
    void aWindowOpenedByTheCliIsSeenOpenByTheGatewayUntilItCloses() throws Exception {
        try (SqliteStore gateway = SqliteStore.open(dir); SqliteStore cli = SqliteStore.open(dir, CLI)) {
            InstallCode code = InstallCode.parse("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
            PairingWindow opened = cli.pairingWindows().open(Duration.ofMinutes(1), Optional.of(code),
                    Optional.of("valve-1"), OptionalLong.of(DEVID));
            await("the gateway sees the window", () -> gateway.pairingWindows().openNow().size() == 1);
            PairingWindow seen = gateway.pairingWindows().openNow().get(0);
            assertEquals(opened.id(), seen.id());
            assertEquals(code, seen.installCode());
            assertEquals("valve-1", seen.clientId());
            assertEquals(DEVID, seen.devid());
            gateway.pairingWindows().close(seen.id());
            assertEquals(0, gateway.pairingWindows().openNow().size());
            PairingWindow any = cli.pairingWindows().open(Duration.ofMinutes(1), Optional.empty(), Optional.empty(),
                    OptionalLong.empty());
            assertNull(any.devid());
            assertNull(any.installCode());
        }
    }
}
