package io.sngw.deploy;

import io.sngw.core.linksec.RadioKey;
import io.sngw.store.sqlite.SqliteStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static io.sngw.deploy.CliRun.sngw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The radio side of {@code sngw devices} and {@code sngw pair}, in process, on a store in a temporary directory. */
class RadioDevicesCommandTest {
    private static final String KEY = "000102030405060708090a0b0c0d0e0f";

    @TempDir
    Path dir;

    private String config;

    @BeforeEach
    void configFile() throws Exception {
        config = "--config=" + Files.writeString(dir.resolve("sngw.yaml"), "store: { dir: \"" + dir.resolve("data")
                + "\" }\n");
    }

    @Test
    void aProvisionedRadioKeyIsStoredAndListedWithoutTheKey() {
        CliRun add = sngw("devices", "add", config, "valve-1", "--radio-id", "0013A20041B2C3D4", "--radio-key", KEY);
        assertEquals(0, add.code(), add.err());
        assertTrue(add.out().contains("radio 0013a20041b2c3d4"), add.out());
        try (SqliteStore store = SqliteStore.open(dir.resolve("data"))) {
            RadioKey k = store.radioKeys().find(0x0013a20041b2c3d4L).orElseThrow();
            assertArrayEquals(HexFormat.of().parseHex(KEY), k.key());
            assertEquals("valve-1", k.clientId());
        }
        CliRun list = sngw("devices", "list", config);
        assertTrue(list.out().contains("0013a20041b2c3d4 key provisioned"), list.out());
        assertTrue(list.out().contains("last heard never"), list.out());
        CliRun json = sngw("devices", "list", "--json", config);
        assertTrue(json.out().contains("\"radio\": {\"id\": \"0013a20041b2c3d4\", \"pairing\": \"key provisioned\""),
                json.out());
        for (CliRun r : new CliRun[]{add, list, json}) {
            assertFalse((r.out() + r.err()).contains(KEY), "the key is never printed");
        }
        assertEquals(0, sngw("devices", "remove", config, "valve-1").code());
        try (SqliteStore store = SqliteStore.open(dir.resolve("data"))) {
            assertTrue(store.radioKeys().list().isEmpty());
        }
    }

    @Test
    void malformedRadioOptionsAreRefusedWithoutEchoingTheKey() {
        CliRun badKey = sngw("devices", "add", config, "valve-1", "--radio-id", "0013a20041b2c3d4", "--radio-key",
                "00112233");
        assertEquals(2, badKey.code());
        assertTrue(badKey.err().contains("--radio-key: not valid (8 characters): expected 32 hex digits"),
                badKey.err());
        assertFalse(badKey.err().contains("00112233"));
        CliRun badId = sngw("devices", "add", config, "valve-1", "--radio-id", "xyz", "--radio-key", KEY);
        assertEquals(2, badId.code());
        assertTrue(badId.err().contains("--radio-id: \"xyz\" is not valid: expected 16 hex digits"), badId.err());
        CliRun onlyId = sngw("devices", "add", config, "valve-1", "--radio-id", "0013a20041b2c3d4");
        assertEquals(2, onlyId.code());
    }

    @Test
    void pairOpensAWindowInTheStoreAndRefusesABadCode() {
        CliRun pair = sngw("pair", config, "--seconds", "30", "--radio-id", "0013a20041b2c3d4");
        assertEquals(0, pair.code(), pair.err());
        assertTrue(pair.out().contains("pairing window open for 30 s"), pair.out());
        assertTrue(pair.out().contains("WITHOUT install code"), pair.out());
        try (SqliteStore store = SqliteStore.open(dir.resolve("data"))) {
            assertEquals(1, store.pairingWindows().openNow().size());
            assertEquals(0x0013a20041b2c3d4L, store.pairingWindows().openNow().get(0).devid());
        }
        CliRun bad = sngw("pair", config, "--install-code", "a0a1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--install-code: not valid"), bad.err());
        assertFalse(bad.err().contains("a0a1"));
        assertEquals(2, sngw("pair", config, "--seconds", "0").code());
    }
}
