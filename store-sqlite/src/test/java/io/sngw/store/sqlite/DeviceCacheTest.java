package io.sngw.store.sqlite;

import io.sngw.core.security.Device;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reloading the cache from what another process committed, with writes of its own still on their way. */
class DeviceCacheTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    /** Writes as the writer takes them; none completes until the test says so. */
    private final List<CompletableFuture<Void>> writes = new ArrayList<>();
    private final DeviceCache cache = new DeviceCache(List.of(device("a", true, null)), op -> {
        CompletableFuture<Void> done = new CompletableFuture<>();
        writes.add(done);
        return done;
    }, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, changed -> { });

    private static Device device(String clientId, boolean enabled, Instant lastSeen) {
        return new Device(clientId, null, null, List.of("#"), List.of("#"), enabled, null, lastSeen);
    }

    @Test
    void aReloadReplacesEverythingAtASettledMark() {
        DeviceCache.Mark mark = cache.mark();
        assertTrue(mark.settled());

        assertTrue(cache.replace(mark, List.of(device("a", false, null), device("b", true, null))));

        assertFalse(cache.find("a").orElseThrow().enabled());
        assertTrue(cache.find("b").isPresent());
    }

    @Test
    void aPutNotYetCommittedUnsettlesTheMarkAndAPutAfterTheMarkRefusesTheReload() {
        cache.put(device("own", true, null));
        assertFalse(cache.mark().settled());

        writes.forEach(write -> write.complete(null));
        DeviceCache.Mark mark = cache.mark();
        assertTrue(mark.settled());
        cache.remove("a"); // after the mark: the table the caller read may still hold it

        assertFalse(cache.replace(mark, List.of(device("a", true, null), device("own", true, null))));
        assertTrue(cache.find("a").isEmpty());
    }

    @Test
    void touchesNeitherUnsettleAMarkNorLoseTheirTimeToAReload() {
        cache.touch("a"); // written lazily; its write never completes here
        DeviceCache.Mark mark = cache.mark();
        assertTrue(mark.settled());

        assertTrue(cache.replace(mark, List.of(device("a", true, null), device("b", true, NOW.minusSeconds(5)))));

        assertEquals(NOW, cache.find("a").orElseThrow().lastSeen());
        assertEquals(NOW.minusSeconds(5), cache.find("b").orElseThrow().lastSeen());
    }

    @Test
    void aLaterLastSeenFromTheDatabaseWins() {
        cache.touch("a");
        assertTrue(cache.replace(cache.mark(), List.of(device("a", true, NOW.plusSeconds(60)))));
        assertEquals(NOW.plusSeconds(60), cache.find("a").orElseThrow().lastSeen());

        assertTrue(cache.replace(cache.mark(), List.of()));
        assertTrue(cache.find("a").isEmpty());
        assertNull(cache.find("b").orElse(null));
    }
}
