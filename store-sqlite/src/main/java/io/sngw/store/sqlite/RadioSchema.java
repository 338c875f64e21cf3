package io.sngw.store.sqlite;

import io.sngw.core.linksec.InstallCode;
import io.sngw.core.linksec.PairingWindow;
import io.sngw.core.linksec.RadioKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The radio keyring's tables (one migration of their own) and their SQL: keys with their counters' durable state,
 * and the pairing windows the CLI opens for the running gateway.
 */
final class RadioSchema {
    /** The row of {@code meta} counting changes of radio keys (not of their counters) and pairing windows. */
    static final String RADIO_CHANGES = "radio_changes";

    /**
     * One migration, self-contained: the devid is the rowid (a signed 64-bit integer holds any EUI-64); counters are
     * 0..2^32-1 in INTEGER columns. Triggers bump {@link #RADIO_CHANGES} on every change another process must see:
     * a key added, replaced or removed, a window opened or closed, but not the gateway's counter writes.
     */
    static final List<String> MIGRATION = List.of(
            """
            CREATE TABLE radio_keys (
                devid             INTEGER PRIMARY KEY,
                radio_key         BLOB NOT NULL,
                client_id         TEXT NOT NULL UNIQUE,
                pairing           TEXT NOT NULL,
                paired            INTEGER NOT NULL,
                downlink_reserved INTEGER NOT NULL,
                uplink_accepted   INTEGER NOT NULL,
                last_heard        INTEGER
            )""",
            """
            CREATE TABLE pairing_windows (
                id           INTEGER PRIMARY KEY,
                opened       INTEGER NOT NULL,
                closes       INTEGER NOT NULL,
                install_code BLOB,
                client_id    TEXT,
                devid        INTEGER
            )""",
            "INSERT INTO meta (name, value) VALUES ('" + RADIO_CHANGES + "', 0)",
            trigger("radio_keys_inserted", "AFTER INSERT ON radio_keys"),
            trigger("radio_keys_deleted", "AFTER DELETE ON radio_keys"),
            trigger("radio_keys_updated", "AFTER UPDATE OF devid, radio_key, client_id, pairing, paired ON radio_keys"),
            trigger("pairing_windows_inserted", "AFTER INSERT ON pairing_windows"),
            trigger("pairing_windows_deleted", "AFTER DELETE ON pairing_windows"),
            trigger("pairing_windows_updated", "AFTER UPDATE ON pairing_windows"));

    private static String trigger(String name, String when) {
        return """
                CREATE TRIGGER %s %s
                BEGIN
                    UPDATE meta SET value = value + 1 WHERE name = '%s';
                END""".formatted(name, when, RADIO_CHANGES);
    }

    private RadioSchema() {
    }

    /** Keys, windows and the change counter as of one commit. */
    record Snapshot(List<RadioKey> keys, List<PairingWindow> windows, long changes) {
    }

    static Snapshot read(Connection c) throws SQLException {
        return new Snapshot(keys(c), windows(c), changes(c));
    }

    static long changes(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
            select.setString(1, RADIO_CHANGES);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private static List<RadioKey> keys(Connection c) throws SQLException {
        List<RadioKey> keys = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("""
                SELECT devid, radio_key, client_id, pairing, paired, downlink_reserved, uplink_accepted, last_heard
                FROM radio_keys ORDER BY client_id""");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                keys.add(new RadioKey(rows.getLong(1), rows.getBytes(2), rows.getString(3),
                        RadioKey.Pairing.valueOf(rows.getString(4)), Instant.ofEpochMilli(rows.getLong(5)),
                        rows.getLong(6), rows.getLong(7), Columns.instant(rows, "last_heard")));
            }
        }
        return keys;
    }

    private static List<PairingWindow> windows(Connection c) throws SQLException {
        List<PairingWindow> windows = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("""
                SELECT id, opened, closes, install_code, client_id, devid FROM pairing_windows ORDER BY id""");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                byte[] code = rows.getBytes(4);
                long devid = rows.getLong(6);
                Long radio = rows.wasNull() ? null : devid;
                windows.add(new PairingWindow(rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)),
                        Instant.ofEpochMilli(rows.getLong(3)), code == null ? null : InstallCode.of(code),
                        rows.getString(5), radio));
            }
        }
        return windows;
    }

    /** A write of these tables, run by the store's writer thread in its transaction. */
    sealed interface Write {
        void apply(Statements sql) throws SQLException;

        String describe();
    }

    record PutKey(RadioKey key) implements Write {
        @Override
        public void apply(Statements sql) throws SQLException {
            // A client id belongs to one radio: a new pairing of the same client id replaces the old radio's key.
            PreparedStatement delete = sql.get("DELETE FROM radio_keys WHERE client_id = ? AND devid <> ?");
            delete.setString(1, key.clientId());
            delete.setLong(2, key.devid());
            delete.executeUpdate();
            PreparedStatement upsert = sql.get("""
                    INSERT OR REPLACE INTO radio_keys (devid, radio_key, client_id, pairing, paired,
                                                       downlink_reserved, uplink_accepted, last_heard)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
            upsert.setLong(1, key.devid());
            upsert.setBytes(2, key.key());
            upsert.setString(3, key.clientId());
            upsert.setString(4, key.pairing().name());
            upsert.setLong(5, key.paired().toEpochMilli());
            upsert.setLong(6, key.downlinkReserved());
            upsert.setLong(7, key.uplinkAccepted());
            Columns.setInstant(upsert, 8, key.lastHeard());
            upsert.executeUpdate();
        }

        @Override
        public String describe() {
            return "putRadioKey " + key.clientId();
        }
    }

    record RemoveKey(long devid) implements Write {
        @Override
        public void apply(Statements sql) throws SQLException {
            PreparedStatement delete = sql.get("DELETE FROM radio_keys WHERE devid = ?");
            delete.setLong(1, devid);
            delete.executeUpdate();
        }

        @Override
        public String describe() {
            return "removeRadioKey";
        }
    }

    /** Never lowers a reservation: a late write of an older one must not undo a newer one. */
    record Reserve(long devid, long upTo) implements Write {
        @Override
        public void apply(Statements sql) throws SQLException {
            PreparedStatement update = sql.get(
                    "UPDATE radio_keys SET downlink_reserved = max(downlink_reserved, ?) WHERE devid = ?");
            update.setLong(1, upTo);
            update.setLong(2, devid);
            update.executeUpdate();
        }

        @Override
        public String describe() {
            return "reserveDownlink";
        }
    }

    /** Only onto the key it was heard under (paired then): never onto a key that replaced it since. */
    record Heard(long devid, Instant paired, long uplinkAccepted, Instant when) implements Write {
        @Override
        public void apply(Statements sql) throws SQLException {
            PreparedStatement update = sql.get("""
                    UPDATE radio_keys SET uplink_accepted = max(uplink_accepted, ?), last_heard = ?
                    WHERE devid = ? AND paired = ?""");
            update.setLong(1, uplinkAccepted);
            Columns.setInstant(update, 2, when);
            update.setLong(3, devid);
            update.setLong(4, paired.toEpochMilli());
            update.executeUpdate();
        }

        @Override
        public String describe() {
            return "radioHeard";
        }
    }

    record OpenWindow(PairingWindow window) implements Write {
        @Override
        public void apply(Statements sql) throws SQLException {
            PreparedStatement insert = sql.get("""
                    INSERT INTO pairing_windows (id, opened, closes, install_code, client_id, devid)
                    VALUES (?, ?, ?, ?, ?, ?)""");
            insert.setLong(1, window.id());
            insert.setLong(2, window.opened().toEpochMilli());
            insert.setLong(3, window.closes().toEpochMilli());
            insert.setBytes(4, window.installCode() == null ? null : window.installCode().bytes());
            insert.setString(5, window.clientId());
            if (window.devid() == null) {
                insert.setNull(6, Types.INTEGER);
            } else {
                insert.setLong(6, window.devid());
            }
            insert.executeUpdate();
        }

        @Override
        public String describe() {
            return "openPairingWindow";
        }
    }

    /** Closes one window, and forgets windows closed for a day. */
    record CloseWindow(long id, Instant now) implements Write {
        @Override
        public void apply(Statements sql) throws SQLException {
            PreparedStatement update = sql.get("UPDATE pairing_windows SET closes = min(closes, ?) WHERE id = ?");
            update.setLong(1, now.toEpochMilli());
            update.setLong(2, id);
            update.executeUpdate();
            PreparedStatement purge = sql.get("DELETE FROM pairing_windows WHERE closes < ?");
            purge.setLong(1, now.minusSeconds(86_400).toEpochMilli());
            purge.executeUpdate();
        }

        @Override
        public String describe() {
            return "closePairingWindow";
        }
    }
}
