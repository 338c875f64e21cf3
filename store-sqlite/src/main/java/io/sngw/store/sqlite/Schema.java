package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The tables and their history. The version lives in {@code PRAGMA user_version}, which is part of the database
 * header and so changes atomically with the migration that sets it. Migrations are only ever appended: a released
 * database is upgraded by running the ones after its version, each in its own transaction.
 */
final class Schema {

    private static final System.Logger LOG = System.getLogger(Schema.class.getName());

    /**
     * The row of {@code meta} counting changes to the devices table's credentials, ACLs and enabled flags, from any
     * process (version 2 on).
     */
    static final String DEVICE_CHANGES = "device_changes";

    /** Migration i (0-based) takes the database from version i to version i + 1. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    // Sessions as plain columns plus one child table per collection: a client's registrations
                    // and subscriptions change one row at a time in SQL terms, and they stay readable with the
                    // sqlite3 shell when a device misbehaves in the field.
                    """
                    CREATE TABLE sessions (
                        client_id    TEXT PRIMARY KEY,
                        clean        INTEGER NOT NULL,
                        status       TEXT NOT NULL,
                        keep_alive   INTEGER NOT NULL,
                        sleep        INTEGER NOT NULL,
                        link_name    TEXT,
                        address      BLOB,
                        will_topic   TEXT,
                        will_message BLOB,
                        will_qos     INTEGER,
                        will_retain  INTEGER
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE session_topics (
                        client_id TEXT NOT NULL REFERENCES sessions(client_id) ON DELETE CASCADE,
                        topic_id  INTEGER NOT NULL,
                        name      TEXT NOT NULL,
                        PRIMARY KEY (client_id, topic_id)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE session_subscriptions (
                        client_id TEXT NOT NULL REFERENCES sessions(client_id) ON DELETE CASCADE,
                        filter    TEXT NOT NULL,
                        qos       INTEGER NOT NULL,
                        PRIMARY KEY (client_id, filter)
                    ) WITHOUT ROWID""",
                    """
                    CREATE TABLE session_pubrel (
                        client_id TEXT NOT NULL REFERENCES sessions(client_id) ON DELETE CASCADE,
                        msg_id    INTEGER NOT NULL,
                        PRIMARY KEY (client_id, msg_id)
                    ) WITHOUT ROWID""",
                    // No foreign key to sessions: a message may be saved before its session is, and one write that
                    // breaks a constraint must not fail the rest of its group commit.
                    """
                    CREATE TABLE pending (
                        client_id TEXT NOT NULL,
                        seq       INTEGER NOT NULL,
                        topic     TEXT NOT NULL,
                        payload   BLOB NOT NULL,
                        qos       INTEGER NOT NULL,
                        retain    INTEGER NOT NULL,
                        PRIMARY KEY (client_id, seq)
                    )""",
                    """
                    CREATE TABLE outbound (
                        seq         INTEGER PRIMARY KEY,
                        client_id   TEXT NOT NULL,
                        topic       TEXT NOT NULL,
                        payload     BLOB NOT NULL,
                        qos         INTEGER NOT NULL,
                        retain      INTEGER NOT NULL,
                        enqueued_at INTEGER NOT NULL
                    )""",
                    // ACLs as newline-separated patterns: a device has a handful, always read and written whole.
                    """
                    CREATE TABLE devices (
                        client_id        TEXT PRIMARY KEY,
                        psk              BLOB,
                        cert_fingerprint TEXT,
                        publish_acl      TEXT NOT NULL,
                        subscribe_acl    TEXT NOT NULL,
                        enabled          INTEGER NOT NULL,
                        created          INTEGER,
                        last_seen        INTEGER
                    )"""),
            List.of(
                    // Another process (the devices commands of the CLI) writes the devices table while the gateway
                    // answers from its cache: a counter that triggers bump on every change that matters lets the
                    // gateway notice with one tiny read every few seconds. last_seen is left out of the UPDATE
                    // trigger, so the gateway's own last-seen writes do not make it reload its cache.
                    """
                    CREATE TABLE meta (
                        name  TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID""",
                    "INSERT INTO meta (name, value) VALUES ('" + DEVICE_CHANGES + "', 0)",
                    """
                    CREATE TRIGGER devices_inserted AFTER INSERT ON devices
                    BEGIN
                        UPDATE meta SET value = value + 1 WHERE name = '%1$s';
                    END""".formatted(DEVICE_CHANGES),
                    """
                    CREATE TRIGGER devices_deleted AFTER DELETE ON devices
                    BEGIN
                        UPDATE meta SET value = value + 1 WHERE name = '%1$s';
                    END""".formatted(DEVICE_CHANGES),
                    """
                    CREATE TRIGGER devices_updated
                    AFTER UPDATE OF client_id, psk, cert_fingerprint, publish_acl, subscribe_acl, enabled, created
                    ON devices
                    BEGIN
                        UPDATE meta SET value = value + 1 WHERE name = '%1$s';
                    END""".formatted(DEVICE_CHANGES)),
            List.of(
                    // Awaiting-PUBREL ids change on every QoS 2 PUBLISH and PUBREL, so they are written one row at
                    // a time, not with the whole session. Like pending, such a write must neither depend on the
                    // sessions row being there nor fail its batch when it is not: no foreign key, so the session's
                    // saves and deletes clear them themselves instead of by cascade.
                    """
                    CREATE TABLE awaiting_pubrel (
                        client_id TEXT NOT NULL,
                        msg_id    INTEGER NOT NULL,
                        PRIMARY KEY (client_id, msg_id)
                    ) WITHOUT ROWID""",
                    "INSERT INTO awaiting_pubrel (client_id, msg_id) SELECT client_id, msg_id FROM session_pubrel",
                    "DROP TABLE session_pubrel"),
            List.of(
                    // How far a message to a client got: the id it was sent with (NULL: never sent) and whether
                    // a QoS 2 one is past PUBREC. A resend after a reconnect or a restart carries the same id with
                    // DUP, or resumes with PUBREL, so that the client recognises the repeat. Columns of pending,
                    // so that deleting a pending message takes its state with it.
                    "ALTER TABLE pending ADD COLUMN msg_id INTEGER",
                    "ALTER TABLE pending ADD COLUMN released INTEGER NOT NULL DEFAULT 0"),
            RadioSchema.MIGRATION,
            List.of(
                    // The link a queued message's sensor was on (udp, dtls, serial, …), so that it reaches the
                    // broker named as it would have been without the outage (MQTT 5 user properties). Null in rows
                    // an older gateway queued: they leave with the link unknown.
                    "ALTER TABLE outbound ADD COLUMN link_kind TEXT")
    );

    private Schema() {
    }

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    /** Brings the database up to {@link #latestVersion()}; refuses one written by a newer gateway. */
    static void migrate(Connection connection, Path file) throws SQLException {
        int version = version(connection);
        if (version > latestVersion()) {
            throw new StoreException("store database " + file + " has schema version " + version
                    + " but this gateway knows versions up to " + latestVersion()
                    + ": it was written by a newer gateway; run that version, or move the file away to start empty");
        }
        try (Statement statement = connection.createStatement()) {
            for (int next = version + 1; next <= latestVersion(); next++) {
                statement.execute("BEGIN IMMEDIATE");
                try {
                    for (String sql : MIGRATIONS.get(next - 1)) {
                        statement.execute(sql);
                    }
                    statement.execute("PRAGMA user_version = " + next);
                    statement.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    Sql.rollbackQuietly(statement);
                    throw e;
                }
                LOG.log(Level.INFO, "store database {0}: schema migrated to version {1}", file, next);
            }
        }
    }

    static int version(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
