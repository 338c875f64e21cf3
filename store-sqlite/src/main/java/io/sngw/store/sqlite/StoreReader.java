package io.sngw.store.sqlite;

import io.sngw.core.security.Device;
import io.sngw.core.store.OutboundMessage;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.store.StoreException;
import io.sngw.core.store.StoredState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads on their own connection: WAL lets them run while the writer commits. One connection serves the start-up
 * load and the outbound drainer, which take turns.
 */
final class StoreReader implements AutoCloseable {

    private final Connection connection;

    StoreReader(Connection connection) {
        this.connection = connection;
    }

    /** Everything in one read transaction, so sessions and queues are seen as of one commit. */
    synchronized StoredState load() {
        try {
            connection.setAutoCommit(false);
            try {
                return new StoredState(sessions(), pending(), outboundSummary());
            } finally {
                connection.commit();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot load the store: " + e.getMessage(), e);
        }
    }

    synchronized List<OutboundMessage> readOutbound(long afterSeq, int max) {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT seq, client_id, topic, payload, qos, retain, enqueued_at, link_kind FROM outbound
                WHERE seq > ? ORDER BY seq LIMIT ?""")) {
            select.setLong(1, afterSeq);
            select.setInt(2, max);
            List<OutboundMessage> messages = new ArrayList<>(Math.min(max, 1024));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    messages.add(new OutboundMessage(rows.getLong(1), rows.getString(2), rows.getString(3),
                            rows.getBytes(4), rows.getInt(5), rows.getBoolean(6), rows.getLong(7), rows.getString(8)));
                }
            }
            return messages;
        } catch (SQLException e) {
            throw new StoreException("cannot read the outbound queue: " + e.getMessage(), e);
        }
    }

    /** A read on this connection, in one read transaction (the radio keyring's tables). */
    interface Read<T> {
        T run(Connection connection) throws SQLException;
    }

    synchronized <T> T read(String what, Read<T> read) {
        try {
            connection.setAutoCommit(false);
            try {
                return read.run(connection);
            } finally {
                connection.commit();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    /** The devices table and its change counter, as of one commit. */
    record Devices(List<Device> devices, long changes) {
    }

    /** Every device, and the change counter they go with, in one read transaction. */
    synchronized Devices devices() {
        try {
            connection.setAutoCommit(false);
            try {
                return new Devices(readDevices(), readDeviceChanges());
            } finally {
                connection.commit();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the device registry: " + e.getMessage(), e);
        }
    }

    /**
     * The devices table's change counter: bumped by triggers on every insert, delete, or change of credentials,
     * ACLs or enabled flag, from whichever process; not by last-seen updates.
     */
    synchronized long deviceChanges() {
        try {
            return readDeviceChanges();
        } catch (SQLException e) {
            throw new StoreException("cannot read the device registry's change counter: " + e.getMessage(), e);
        }
    }

    private long readDeviceChanges() throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
            select.setString(1, Schema.DEVICE_CHANGES);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new StoreException("the store database has no " + Schema.DEVICE_CHANGES + " row in meta");
                }
                return rows.getLong(1);
            }
        }
    }

    private List<Device> readDevices() throws SQLException {
        List<Device> devices = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT client_id, psk, cert_fingerprint, publish_acl, subscribe_acl, enabled, created, last_seen
                     FROM devices""")) {
            while (rows.next()) {
                devices.add(new Device(rows.getString("client_id"), rows.getBytes("psk"),
                        rows.getString("cert_fingerprint"), Columns.patterns(rows.getString("publish_acl")),
                        Columns.patterns(rows.getString("subscribe_acl")), rows.getBoolean("enabled"),
                        Columns.instant(rows, "created"), Columns.instant(rows, "last_seen")));
            }
        }
        return devices;
    }

    private List<SessionRecord> sessions() throws SQLException {
        Map<String, Map<Integer, String>> topics = new HashMap<>();
        Map<String, Map<String, Integer>> subscriptions = new HashMap<>();
        Map<String, Set<Integer>> pubrel = new HashMap<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT client_id, topic_id, name FROM session_topics")) {
                while (rows.next()) {
                    topics.computeIfAbsent(rows.getString(1), id -> new HashMap<>())
                            .put(rows.getInt(2), rows.getString(3));
                }
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT client_id, filter, qos FROM session_subscriptions")) {
                while (rows.next()) {
                    subscriptions.computeIfAbsent(rows.getString(1), id -> new HashMap<>())
                            .put(rows.getString(2), rows.getInt(3));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT client_id, msg_id FROM awaiting_pubrel")) {
                while (rows.next()) {
                    pubrel.computeIfAbsent(rows.getString(1), id -> new HashSet<>()).add(rows.getInt(2));
                }
            }
            List<SessionRecord> sessions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT * FROM sessions ORDER BY client_id")) {
                while (rows.next()) {
                    String clientId = rows.getString("client_id");
                    sessions.add(new SessionRecord(clientId, rows.getBoolean("clean"), status(rows),
                            rows.getInt("keep_alive"), rows.getInt("sleep"), rows.getString("link_name"),
                            rows.getBytes("address"), will(rows),
                            topics.getOrDefault(clientId, Map.of()), subscriptions.getOrDefault(clientId, Map.of()),
                            pubrel.getOrDefault(clientId, Set.of())));
                }
            }
            return Collections.unmodifiableList(sessions);
        }
    }

    private static SessionRecord.Status status(ResultSet rows) throws SQLException {
        String status = rows.getString("status");
        try {
            return SessionRecord.Status.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw new StoreException("session " + rows.getString("client_id") + " has an unknown status " + status);
        }
    }

    private static SessionRecord.StoredWill will(ResultSet rows) throws SQLException {
        String topic = rows.getString("will_topic");
        if (topic == null) {
            return null;
        }
        return new SessionRecord.StoredWill(topic, rows.getBytes("will_message"), rows.getInt("will_qos"),
                rows.getBoolean("will_retain"));
    }

    private Map<String, List<PendingMessage>> pending() throws SQLException {
        Map<String, List<PendingMessage>> pending = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT client_id, seq, topic, payload, qos, retain, msg_id, released FROM pending"
                             + " ORDER BY client_id, seq")) {
            while (rows.next()) {
                // getInt reads NULL (never sent) as 0, the id no message carries
                PendingMessage message = new PendingMessage(rows.getString(1), rows.getLong(2), rows.getString(3),
                        rows.getBytes(4), rows.getInt(5), rows.getBoolean(6), rows.getInt(7), rows.getBoolean(8));
                pending.computeIfAbsent(message.clientId(), id -> new ArrayList<>()).add(message);
            }
        }
        pending.replaceAll((clientId, messages) -> Collections.unmodifiableList(messages));
        return Collections.unmodifiableMap(pending);
    }

    private StoredState.OutboundSummary outboundSummary() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT count(*), coalesce(sum(length(payload)), 0), coalesce(min(seq), 0), coalesce(max(seq), 0)
                     FROM outbound""")) {
            rows.next();
            return new StoredState.OutboundSummary(rows.getLong(1), rows.getLong(2), rows.getLong(3),
                    rows.getLong(4));
        }
    }

    @Override
    public synchronized void close() {
        Sql.closeQuietly(connection);
    }
}
