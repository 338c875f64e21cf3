package io.sngw.store.sqlite;

import io.sngw.core.store.SessionRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.sngw.store.sqlite.Fixtures.assertSameSession;
import static io.sngw.store.sqlite.Fixtures.sleepingSessionWithEverything;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The QoS 2 message ids a client is to PUBREL, written one at a time (saveAwaitingPubRel / deleteAwaitingPubRel)
 * and loaded back as part of the client's session.
 */
class AwaitingPubRelTest {

    @TempDir
    Path dir;

    @Test
    void idsSavedOneAtATimeLoadBackInTheirSessionAfterReopen() {
        SessionRecord session = withIds(sleepingSessionWithEverything("sensor-1"), Set.of());
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(session);
            store.saveAwaitingPubRel("sensor-1", 3);
            store.saveAwaitingPubRel("sensor-1", 65535);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertSameSession(withIds(session, Set.of(3, 65535)), only(store));
        }
    }

    @Test
    void savingAnIdTwiceKeepsIt() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(sleepingSessionWithEverything("sensor-1"));
            store.saveAwaitingPubRel("sensor-1", 17);
            store.flush().join();
            assertEquals(Set.of(17, 4242), only(store).awaitingPubRel());
            assertEquals(0, store.writeFailures());
        }
    }

    @Test
    void deletingAnIdRemovesThatIdOnly() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(sleepingSessionWithEverything("sensor-1"));
            store.saveAwaitingPubRel("sensor-1", 5);
            store.deleteAwaitingPubRel("sensor-1", 17);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(Set.of(5, 4242), only(store).awaitingPubRel());
        }
    }

    @Test
    void deletedSessionTakesItsIdsWithIt() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(sleepingSessionWithEverything("gone"));
            store.saveAwaitingPubRel("gone", 5);
            store.saveSession(sleepingSessionWithEverything("stays"));
            store.deleteSession("gone");
            // The same client id again, as a new session: nothing of the old one may come back with it.
            store.saveSession(withIds(sleepingSessionWithEverything("gone"), Set.of()));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<SessionRecord> sessions = store.load().sessions();
            assertEquals(Set.of(), sessions.get(0).awaitingPubRel());
            assertEquals(Set.of(17, 4242), sessions.get(1).awaitingPubRel());
        }
    }

    @Test
    void sessionSaveReplacesTheIdsSavedOneAtATime() {
        // What a clean-session CONNECT of a client that had ids does: the saved session is the whole truth.
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(sleepingSessionWithEverything("sensor-1"));
            store.saveAwaitingPubRel("sensor-1", 5);
            store.saveSession(withIds(sleepingSessionWithEverything("sensor-1"), Set.of(9)));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(Set.of(9), only(store).awaitingPubRel());
        }
    }

    @Test
    void versionTwoDatabaseKeepsItsAwaitingIdsWhenMigrated() throws Exception {
        SessionRecord session = sleepingSessionWithEverything("sensor-1");
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.saveSession(session);
        }
        OldSchemas.downgrade(SqliteStore.fileIn(dir), 2);
        try (SqliteStore store = SqliteStore.open(dir)) {
            try (Connection connection = Sql.connect(store.file())) {
                assertEquals(Schema.latestVersion(), Schema.version(connection));
            }
            assertSameSession(session, only(store));
            store.deleteAwaitingPubRel("sensor-1", 17);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(Set.of(4242), only(store).awaitingPubRel());
        }
    }

    private static SessionRecord only(SqliteStore store) {
        List<SessionRecord> sessions = store.load().sessions();
        assertEquals(1, sessions.size());
        return sessions.get(0);
    }

    private static SessionRecord withIds(SessionRecord s, Set<Integer> ids) {
        return new SessionRecord(s.clientId(), s.cleanSession(), s.status(), s.keepAliveSeconds(), s.sleepSeconds(),
                s.linkName(), s.address(), s.will(), Map.copyOf(s.topics()), Map.copyOf(s.subscriptions()), ids);
    }
}
