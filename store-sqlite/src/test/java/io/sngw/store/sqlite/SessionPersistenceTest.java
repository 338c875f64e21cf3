package io.sngw.store.sqlite;

import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.store.StoredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.sngw.store.sqlite.Fixtures.assertSameSession;
import static io.sngw.store.sqlite.Fixtures.disconnectedSession;
import static io.sngw.store.sqlite.Fixtures.pending;
import static io.sngw.store.sqlite.Fixtures.sleepingSessionWithEverything;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionPersistenceTest {

    @TempDir
    Path dir;

    @Test
    void sessionWithWillTopicsSubscriptionsAndPubRelIdsLoadsBackEqualAfterReopen() {
        SessionRecord session = sleepingSessionWithEverything("sensor-1");
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(session);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<SessionRecord> sessions = store.load().sessions();
            assertEquals(1, sessions.size());
            assertSameSession(session, sessions.get(0));
        }
    }

    @Test
    void disconnectedSessionWithoutWillOrAddressLoadsBackWithNulls() {
        SessionRecord session = disconnectedSession("sensor-2");
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(session);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertSameSession(session, store.load().sessions().get(0));
        }
    }

    @Test
    void laterSaveReplacesTheWholeSessionIncludingItsCollections() {
        SessionRecord later = new SessionRecord("sensor-1", false, SessionRecord.Status.ACTIVE, 20, 0, "udp",
                new byte[]{1}, null, Map.of(5, "only/this"), Map.of(), Set.of());
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(sleepingSessionWithEverything("sensor-1"));
            store.flush().join();
            store.saveSession(later);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertSameSession(later, store.load().sessions().get(0));
        }
    }

    @Test
    void deletedSessionTakesItsPendingMessagesWithIt() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(sleepingSessionWithEverything("gone"));
            store.saveSession(sleepingSessionWithEverything("stays"));
            store.savePending(pending("gone", 1));
            store.savePending(pending("gone", 2));
            store.savePending(pending("stays", 1));
            store.flush().join();
            store.deleteSession("gone");
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            StoredState state = store.load();
            assertEquals(List.of("stays"), state.sessions().stream().map(SessionRecord::clientId).toList());
            assertEquals(Set.of("stays"), state.pending().keySet());
        }
    }

    @Test
    void pendingMessagesLoadGroupedByClientInSeqOrder() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            for (long seq : new long[]{30, 10, 20}) {
                store.savePending(pending("a", seq));
                store.savePending(pending("b", seq + 1));
            }
            store.deletePending("a", 20);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            Map<String, List<PendingMessage>> pending = store.load().pending();
            assertEquals(List.of(10L, 30L), pending.get("a").stream().map(PendingMessage::seq).toList());
            assertEquals(List.of(11L, 21L, 31L), pending.get("b").stream().map(PendingMessage::seq).toList());
            PendingMessage first = pending.get("a").get(0);
            assertEquals("down/a", first.topic());
            assertArrayEquals(Fixtures.payload(10), first.payload());
            assertEquals(2, first.qos());
        }
    }

    @Test
    void savesOfOneClientQueuedTogetherAreWrittenOnceAsTheLast() throws Exception {
        SessionRecord last = disconnectedSession("sensor-1");
        try (SqliteStore store = SqliteStore.open(dir)) {
            try (WriteLock lock = WriteLock.take(store.file())) {
                store.deleteOutbound(List.of(0L));
                WriteLock.awaitWriterBlocked(store);
                store.saveSession(sleepingSessionWithEverything("sensor-1"));
                store.saveSession(sleepingSessionWithEverything("sensor-2"));
                store.saveSession(last);
            }
            store.flush().join();
            assertEquals(1, store.sessionSavesCoalesced());
            assertEquals(2, store.load().sessions().size());
            assertSameSession(last, store.load().sessions().get(0));
        }
    }

    @Test
    void newStoreLoadsEmpty() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(StoredState.empty(), store.load());
            assertTrue(store.list().isEmpty());
        }
    }
}
