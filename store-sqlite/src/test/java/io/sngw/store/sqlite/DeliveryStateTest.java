package io.sngw.store.sqlite;

import io.sngw.core.store.PendingMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import static io.sngw.store.sqlite.Fixtures.pending;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How far a message to a client got (the id it was sent with, QoS 2 past PUBREC), written one row at a time and
 * loaded back with the pending message, so that a resend after a restart carries the same id.
 */
class DeliveryStateTest {

    @TempDir
    Path dir;

    @Test
    void pendingMessageNeverSentLoadsWithoutAnId() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.savePending(pending("sensor-1", 1));
        }
        PendingMessage loaded = onlyPending("sensor-1");
        assertEquals(0, loaded.msgId());
        assertFalse(loaded.released());
    }

    @Test
    void idAndReleaseLoadBackAfterReopen() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.savePending(pending("sensor-1", 1));
            store.saveDeliveryState("sensor-1", 1, 65535, false);
            store.saveDeliveryState("sensor-1", 1, 65535, true);
        }
        PendingMessage loaded = onlyPending("sensor-1");
        assertEquals(65535, loaded.msgId());
        assertTrue(loaded.released());
    }

    @Test
    void stateOfAMessageAlreadyDeletedDoesNotBringItBack() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.savePending(pending("sensor-1", 1));
            store.deletePending("sensor-1", 1);
            store.saveDeliveryState("sensor-1", 1, 7, false);
            store.flush().join();
            assertEquals(0, store.writeFailures());
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(0, store.load().pending().size());
        }
    }

    @Test
    void savingTheMessageAgainStartsItsDeliveryAfresh() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.savePending(pending("sensor-1", 1));
            store.saveDeliveryState("sensor-1", 1, 7, true);
            store.savePending(pending("sensor-1", 1));
        }
        assertEquals(0, onlyPending("sensor-1").msgId());
    }

    @Test
    void versionThreeDatabaseKeepsItsPendingMessagesWhenMigrated() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.savePending(pending("sensor-1", 4));
        }
        OldSchemas.downgrade(SqliteStore.fileIn(dir), 3);
        try (SqliteStore store = SqliteStore.open(dir)) {
            try (Connection connection = Sql.connect(store.file())) {
                assertEquals(Schema.latestVersion(), Schema.version(connection));
            }
            store.saveDeliveryState("sensor-1", 4, 12, false);
        }
        PendingMessage loaded = onlyPending("sensor-1");
        assertEquals(4, loaded.seq());
        assertEquals(12, loaded.msgId());
    }

    private PendingMessage onlyPending(String clientId) {
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<PendingMessage> messages = store.load().pending().get(clientId);
            assertEquals(1, messages.size());
            return messages.get(0);
        }
    }
}
