package io.sngw.store.sqlite;

import io.sngw.core.security.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceRegistryTest {

    private static final byte[] PSK = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05.678Z");

    @TempDir
    Path dir;

    private static Device device(String clientId, boolean enabled) {
        return new Device(clientId, PSK.clone(), "ab".repeat(32), List.of("sensors/%c/#", "status/%c"),
                List.of("config/%c/+"), enabled, CREATED, null);
    }

    @Test
    void putDeviceIsFoundWithEveryFieldAfterReopen() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.put(device("sensor-1", true));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            Device found = store.find("sensor-1").orElseThrow();
            assertArrayEquals(PSK, found.psk());
            assertEquals("ab".repeat(32), found.certFingerprint());
            assertEquals(List.of("sensors/%c/#", "status/%c"), found.publishPatterns());
            assertEquals(List.of("config/%c/+"), found.subscribePatterns());
            assertTrue(found.enabled());
            assertEquals(CREATED, found.created());
            assertNull(found.lastSeen());
        }
    }

    @Test
    void deviceWithoutKeyCertificateOrAclsSurvivesReopen() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.put(new Device("bare", null, null, List.of(), List.of(), true, null, null));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            Device found = store.find("bare").orElseThrow();
            assertNull(found.psk());
            assertNull(found.certFingerprint());
            assertEquals(List.of(), found.publishPatterns());
            assertEquals(List.of(), found.subscribePatterns());
        }
    }

    @Test
    void disabledDeviceStaysDisabledAfterReopen() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.put(device("sensor-1", true));
            store.put(device("sensor-1", false));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertFalse(store.find("sensor-1").orElseThrow().enabled());
        }
    }

    @Test
    void removedDeviceIsGoneAfterReopenAndRemoveTellsWhetherItExisted() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.put(device("sensor-1", true));
            store.put(device("sensor-2", true));
            assertTrue(store.remove("sensor-1"));
            assertFalse(store.remove("sensor-1"));
            assertFalse(store.remove("never"));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertTrue(store.find("sensor-1").isEmpty());
            assertEquals(List.of("sensor-2"), store.list().stream().map(Device::clientId).toList());
        }
    }

    @Test
    void touchWritesLastSeenAtMostOncePerInterval() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        StoreOptions options = StoreOptions.defaults().withClock(clock).withTouchInterval(Duration.ofMinutes(1));
        try (SqliteStore store = SqliteStore.open(dir, options)) {
            store.put(device("sensor-1", true));
            store.touch("sensor-1");
            clock.advance(Duration.ofSeconds(59));
            store.touch("sensor-1");
            assertEquals(Instant.parse("2026-03-01T12:00:00Z"), store.find("sensor-1").orElseThrow().lastSeen());

            clock.advance(Duration.ofSeconds(1));
            store.touch("sensor-1");
            store.touch("unknown");
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(Instant.parse("2026-03-01T12:01:00Z"), store.find("sensor-1").orElseThrow().lastSeen());
            assertTrue(store.find("unknown").isEmpty());
        }
    }

    @Test
    void pskNeverAppearsInToString() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.put(device("sensor-1", true));
            Device found = store.find("sensor-1").orElseThrow();
            String hex = HexFormat.of().formatHex(PSK);
            for (String text : List.of(found.toString(), store.list().toString(), store.toString(),
                    new WriteOp.PutDevice(found).toString())) {
                assertFalse(text.toLowerCase().contains(hex), text);
                assertFalse(text.contains(java.util.Arrays.toString(PSK)), text);
            }
        }
    }

    @Test
    void changingTheKeyArrayAfterPutChangesNothingStored() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            Device device = device("sensor-1", true);
            store.put(device);
            device.psk()[0] = 99;
            store.find("sensor-1").orElseThrow().psk()[1] = 99;

            assertArrayEquals(PSK, store.find("sensor-1").orElseThrow().psk());
        }
    }

    @Test
    void aclPatternWithANewlineIsRefused() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            Device bad = new Device("sensor-1", null, null, List.of("a\nb"), List.of(), true, null, null);
            assertThrows(IllegalArgumentException.class, () -> store.put(bad));
            assertTrue(store.find("sensor-1").isEmpty());
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
