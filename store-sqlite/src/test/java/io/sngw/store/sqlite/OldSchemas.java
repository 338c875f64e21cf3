package io.sngw.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Databases as older gateways left them, for migration tests: each migration's undo, so that a database written
 * now can be taken back to any earlier version with its data.
 */
final class OldSchemas {

    /** Undo i (0-based) takes the database from version i + 2 back to version i + 1. */
    private static final List<List<String>> UNDO = List.of(
            List.of(
                    // No meta table, no triggers.
                    "DROP TRIGGER devices_inserted", "DROP TRIGGER devices_deleted", "DROP TRIGGER devices_updated",
                    "DROP TABLE meta"),
            List.of(
                    // The awaiting-PUBREL ids in session_pubrel, a child of sessions.
                    """
                    CREATE TABLE session_pubrel (
                        client_id TEXT NOT NULL REFERENCES sessions(client_id) ON DELETE CASCADE,
                        msg_id    INTEGER NOT NULL,
                        PRIMARY KEY (client_id, msg_id)
                    ) WITHOUT ROWID""",
                    "INSERT INTO session_pubrel (client_id, msg_id) SELECT client_id, msg_id FROM awaiting_pubrel",
                    "DROP TABLE awaiting_pubrel"),
            List.of(
                    // No delivery state of pending messages.
                    "ALTER TABLE pending DROP COLUMN released", "ALTER TABLE pending DROP COLUMN msg_id"),
            List.of(
                    // No radio keys or pairing windows (RadioSchema).
                    "DROP TRIGGER radio_keys_inserted", "DROP TRIGGER radio_keys_deleted",
                    "DROP TRIGGER radio_keys_updated", "DROP TRIGGER pairing_windows_inserted",
                    "DROP TRIGGER pairing_windows_deleted", "DROP TRIGGER pairing_windows_updated",
                    "DROP TABLE radio_keys", "DROP TABLE pairing_windows",
                    "DELETE FROM meta WHERE name = '" + RadioSchema.RADIO_CHANGES + "'"),
            List.of(
                    // The outbound queue without the sensor's link kind.
                    "ALTER TABLE outbound DROP COLUMN link_kind"));

    private OldSchemas() {
    }

    /** Takes the closed database {@code file} back to schema {@code version}. */
    static void downgrade(Path file, int version) throws SQLException {
        try (Connection connection = Sql.connect(file)) {
            for (int from = Schema.version(connection); from > version; from--) {
                for (String sql : UNDO.get(from - 2)) {
                    Sql.execute(connection, sql);
                }
                Sql.execute(connection, "PRAGMA user_version = " + (from - 1));
            }
        }
    }
}
