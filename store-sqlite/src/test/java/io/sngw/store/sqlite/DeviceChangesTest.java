package io.sngw.store.sqlite;

import io.sngw.core.security.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.sngw.store.sqlite.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two stores on one directory, as the running gateway and the CLI's {@code sngw devices} are: device changes
 * committed by one are seen by the other without a restart, and the gateway's own last-seen writes do not count as
 * changes.
 */
class DeviceChangesTest {

    private static final byte[] PSK = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final StoreOptions CLI = StoreOptions.defaults().withDeviceWatch(Duration.ZERO);

    @TempDir
    Path dir;

    private static Device device(String clientId, boolean enabled) {
        return new Device(clientId, PSK.clone(), null, List.of("sensors/%c/#"), List.of("config/%c"), enabled,
                Instant.parse("2026-01-02T03:04:05Z"), null);
    }

    @Test
    void putDisableAndRemoveThroughOneStoreAreSeenByTheOtherWithinSeconds() throws Exception {
        // The gateway's side with the default interval: what "within a few seconds" means in the field.
        try (SqliteStore gateway = SqliteStore.open(dir); SqliteStore cli = SqliteStore.open(dir, CLI)) {
            assertEquals(Duration.ofSeconds(2), StoreOptions.defaults().deviceWatch());

            cli.put(device("sensor-1", true));
            cli.flush().join();
            await("the gateway sees the new device", () -> gateway.find("sensor-1").isPresent());
            Device seen = gateway.find("sensor-1").orElseThrow();
            assertArrayEquals(PSK, seen.psk());
            assertEquals(List.of("sensors/%c/#"), seen.publishPatterns());
            assertTrue(seen.enabled());

            cli.put(device("sensor-1", false));
            cli.flush().join();
            await("the gateway sees the device disabled", () -> !gateway.find("sensor-1").orElseThrow().enabled());

            assertTrue(cli.remove("sensor-1"));
            cli.flush().join();
            await("the gateway sees the device removed", () -> gateway.find("sensor-1").isEmpty());
        }
    }

    @Test
    void lastSeenWritesDoNotCountAsChangesButPutsAndRemovesDo() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, CLI.withTouchInterval(Duration.ZERO))) {
            store.put(device("sensor-1", true));
            store.flush().join();
            long afterPut = changes();

            store.touch("sensor-1");
            store.flush().join();
            assertEquals(afterPut, changes());

            store.put(device("sensor-1", false));
            store.flush().join();
            assertEquals(afterPut + 1, changes());

            store.remove("sensor-1");
            store.flush().join();
            assertEquals(afterPut + 2, changes());
        }
    }

    @Test
    void aReloadNeverTakesBackAPutOfItsOwnThatIsNotCommittedYet() throws Exception {
        StoreOptions watchful = StoreOptions.defaults().withDeviceWatch(Duration.ofMillis(20));
        try (SqliteStore gateway = SqliteStore.open(dir, watchful); SqliteStore cli = SqliteStore.open(dir, CLI)) {
            cli.put(device("from-cli", true));
            cli.flush().join();
            try (WriteLock lock = WriteLock.take(gateway.file())) {
                gateway.put(device("own", true));
                WriteLock.awaitWriterBlocked(gateway);
                // The counter has moved (the CLI's put), but the gateway's own put is still waiting for the lock:
                // a reload now would read a table without it.
                for (int i = 0; i < 20; i++) {
                    assertTrue(gateway.find("own").isPresent(), "own put lost by a reload");
                    Thread.sleep(20);
                }
            }
            gateway.flush().join();
            await("the gateway sees the CLI's device", () -> gateway.find("from-cli").isPresent());
            assertTrue(gateway.find("own").isPresent());
        }
        try (SqliteStore reopened = SqliteStore.open(dir, CLI)) {
            assertEquals(List.of("from-cli", "own"), reopened.list().stream().map(Device::clientId).toList());
        }
    }

    @Test
    void aVersionOneDatabaseIsMigratedAndItsDevicesAreWatched() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, CLI)) {
            store.put(device("old", true));
        }
        OldSchemas.downgrade(SqliteStore.fileIn(dir), 1);
        StoreOptions watchful = StoreOptions.defaults().withDeviceWatch(Duration.ofMillis(20));
        try (SqliteStore gateway = SqliteStore.open(dir, watchful)) {
            try (Connection connection = Sql.connect(gateway.file())) {
                assertEquals(Schema.latestVersion(), Schema.version(connection));
            }
            assertTrue(gateway.find("old").isPresent());
            try (SqliteStore cli = SqliteStore.open(dir, CLI)) {
                cli.put(device("old", false));
                cli.flush().join();
            }
            await("the gateway sees the device disabled", () -> !gateway.find("old").orElseThrow().enabled());
        }
    }

    @Test
    void changesCommittedByAnotherConnectionAreAnnouncedToListenersWithTheClientIdsConcerned() throws Exception {
        StoreOptions watchful = StoreOptions.defaults().withDeviceWatch(Duration.ofMillis(20));
        try (SqliteStore cli = SqliteStore.open(dir, CLI)) {
            cli.put(device("stays", true));
            cli.put(device("disabled", true));
            cli.put(device("removed", true));
        }
        try (SqliteStore gateway = SqliteStore.open(dir, watchful); SqliteStore cli = SqliteStore.open(dir, CLI)) {
            Set<String> announced = ConcurrentHashMap.newKeySet();
            gateway.onChange(announced::addAll);

            cli.put(device("disabled", false));
            cli.remove("removed");
            cli.put(device("added", true));
            cli.flush().join();

            await("the changes to be announced", () -> announced.size() == 3);
            assertEquals(Set.of("disabled", "removed", "added"), announced);
        }
    }

    @Test
    void putAndRemoveInThisProcessAreAnnouncedButATouchOrAnUnchangedPutIsNot() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, CLI.withTouchInterval(Duration.ZERO))) {
            BlockingQueue<Set<String>> announced = new LinkedBlockingQueue<>();
            store.onChange(announced::add);

            store.put(device("sensor-1", true));
            assertEquals(Set.of("sensor-1"), announced.poll(10, TimeUnit.SECONDS));
            store.touch("sensor-1");
            store.put(device("sensor-1", true));
            store.put(device("sensor-1", false));
            assertEquals(Set.of("sensor-1"), announced.poll(10, TimeUnit.SECONDS));
            assertTrue(store.remove("sensor-1"));
            assertEquals(Set.of("sensor-1"), announced.poll(10, TimeUnit.SECONDS));
            store.flush().join();
            assertTrue(announced.isEmpty(), "announced without a change: " + announced);
        }
    }

    @Test
    void closingAStoreStopsItsWatchThread() throws Exception {
        SqliteStore store = SqliteStore.open(dir, StoreOptions.defaults().withDeviceWatch(Duration.ofMillis(10)));
        await("the watch thread runs", () -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("sngw-store-devices")));
        store.close();
        await("the watch thread has ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("sngw-store-devices") && t.isAlive()));
    }

    private long changes() throws Exception {
        try (Connection connection = Sql.connect(SqliteStore.fileIn(dir))) {
            return Long.parseLong(Sql.queryText(connection,
                    "SELECT value FROM meta WHERE name = '" + Schema.DEVICE_CHANGES + "'"));
        }
    }
}
