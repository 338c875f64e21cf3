package io.sngw.store.sqlite;

import io.sngw.core.security.Device;
import io.sngw.core.store.OutboundMessage;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** One write as queued for the writer thread, and the SQL it runs inside the writer's transaction. */
sealed interface WriteOp {

    void apply(Statements sql) throws SQLException;

    /** More than one statement: the writer wraps it in a savepoint so that a failure half way is undone alone. */
    default boolean multiStatement() {
        return false;
    }

    /** For logs: names what was written, never payloads or keys. */
    String describe();

    /**
     * A write that is one statement: consecutive ones with the same SQL are sent to SQLite in one JDBC batch, a
     * single native call instead of one per row, which is most of the writer's CPU time under load.
     */
    sealed interface SingleStatement extends WriteOp {

        String sql();

        void bind(PreparedStatement statement) throws SQLException;

        @Override
        default void apply(Statements sql) throws SQLException {
            PreparedStatement statement = sql.get(sql());
            bind(statement);
            statement.executeUpdate();
        }
    }

    /** Completes once everything queued before it is committed. */
    record Flush() implements WriteOp {
        @Override
        public void apply(Statements sql) {
        }

        @Override
        public String describe() {
            return "flush";
        }
    }

    /** The last request the writer takes: it commits what came before, then stops. */
    record Close() implements WriteOp {
        @Override
        public void apply(Statements sql) {
        }

        @Override
        public String describe() {
            return "close";
        }
    }

    record SaveSession(SessionRecord session) implements WriteOp {
        @Override
        public void apply(Statements sql) throws SQLException {
            String clientId = session.clientId();
            // The topics and subscriptions go with the row (ON DELETE CASCADE), the awaiting ids have no foreign
            // key: a save replaces the whole session.
            deleteSessionRows(sql, clientId);
            insertSession(sql.get("""
                    INSERT INTO sessions (client_id, clean, status, keep_alive, sleep, link_name, address,
                                          will_topic, will_message, will_qos, will_retain)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""));
            PreparedStatement topic = sql.get("INSERT INTO session_topics (client_id, topic_id, name) VALUES (?, ?, ?)");
            for (Map.Entry<Integer, String> entry : session.topics().entrySet()) {
                topic.setString(1, clientId);
                topic.setInt(2, entry.getKey());
                topic.setString(3, entry.getValue());
                topic.executeUpdate();
            }
            PreparedStatement subscription =
                    sql.get("INSERT INTO session_subscriptions (client_id, filter, qos) VALUES (?, ?, ?)");
            for (Map.Entry<String, Integer> entry : session.subscriptions().entrySet()) {
                subscription.setString(1, clientId);
                subscription.setString(2, entry.getKey());
                subscription.setInt(3, entry.getValue());
                subscription.executeUpdate();
            }
            PreparedStatement pubrel = sql.get(AwaitingPubRel.INSERT);
            for (int msgId : session.awaitingPubRel()) {
                new AwaitingPubRel(true, clientId, msgId).bind(pubrel);
                pubrel.executeUpdate();
            }
        }

        private void insertSession(PreparedStatement insert) throws SQLException {
            SessionRecord.StoredWill will = session.will();
            insert.setString(1, session.clientId());
            insert.setBoolean(2, session.cleanSession());
            insert.setString(3, session.status().name());
            insert.setInt(4, session.keepAliveSeconds());
            insert.setInt(5, session.sleepSeconds());
            insert.setString(6, session.linkName());
            insert.setBytes(7, session.address());
            insert.setString(8, will == null ? null : will.topic());
            insert.setBytes(9, will == null ? null : will.message());
            Columns.setNullableInt(insert, 10, will == null ? null : will.qos());
            if (will == null) {
                insert.setNull(11, Types.INTEGER);
            } else {
                insert.setBoolean(11, will.retain());
            }
            insert.executeUpdate();
        }

        @Override
        public boolean multiStatement() {
            return true;
        }

        @Override
        public String describe() {
            return "saveSession " + session.clientId();
        }
    }

    record DeleteSession(String clientId) implements WriteOp {
        @Override
        public void apply(Statements sql) throws SQLException {
            PreparedStatement pending = sql.get("DELETE FROM pending WHERE client_id = ?");
            pending.setString(1, clientId);
            pending.executeUpdate();
            deleteSessionRows(sql, clientId);
        }

        @Override
        public boolean multiStatement() {
            return true;
        }

        @Override
        public String describe() {
            return "deleteSession " + clientId;
        }
    }

    /** The session's row with its topics and subscriptions (by cascade), and its awaiting-PUBREL ids. */
    private static void deleteSessionRows(Statements sql, String clientId) throws SQLException {
        for (String table : List.of("awaiting_pubrel", "sessions")) {
            PreparedStatement delete = sql.get("DELETE FROM " + table + " WHERE client_id = ?");
            delete.setString(1, clientId);
            delete.executeUpdate();
        }
    }

    /** Adds ({@code awaiting}) or removes one awaiting-PUBREL id: the same key either way. */
    record AwaitingPubRel(boolean awaiting, String clientId, int msgId) implements SingleStatement {
        // OR IGNORE: a session save may have written the id already.
        static final String INSERT = "INSERT OR IGNORE INTO awaiting_pubrel (client_id, msg_id) VALUES (?, ?)";
        private static final String DELETE = "DELETE FROM awaiting_pubrel WHERE client_id = ? AND msg_id = ?";

        @Override
        public String sql() {
            return awaiting ? INSERT : DELETE;
        }

        @Override
        public void bind(PreparedStatement statement) throws SQLException {
            statement.setString(1, clientId);
            statement.setInt(2, msgId);
        }

        @Override
        public String describe() {
            return (awaiting ? "saveAwaitingPubRel " : "deleteAwaitingPubRel ") + clientId + " id " + msgId;
        }
    }

    record SavePending(PendingMessage message) implements SingleStatement {
        private static final String SQL = """
                INSERT OR REPLACE INTO pending (client_id, seq, topic, payload, qos, retain)
                VALUES (?, ?, ?, ?, ?, ?)""";

        @Override
        public String sql() {
            return SQL;
        }

        @Override
        public void bind(PreparedStatement insert) throws SQLException {
            insert.setString(1, message.clientId());
            insert.setLong(2, message.seq());
            insert.setString(3, message.topic());
            insert.setBytes(4, message.payload());
            insert.setInt(5, message.qos());
            insert.setBoolean(6, message.retain());
        }

        @Override
        public String describe() {
            return "savePending " + message.clientId() + " seq " + message.seq();
        }
    }

    /** An UPDATE, not an upsert: a message acknowledged (and deleted) before this write must not come back. */
    record SaveDeliveryState(String clientId, long seq, int msgId, boolean released) implements SingleStatement {
        @Override
        public String sql() {
            return "UPDATE pending SET msg_id = ?, released = ? WHERE client_id = ? AND seq = ?";
        }

        @Override
        public void bind(PreparedStatement update) throws SQLException {
            update.setInt(1, msgId);
            update.setBoolean(2, released);
            update.setString(3, clientId);
            update.setLong(4, seq);
        }

        @Override
        public String describe() {
            return "saveDeliveryState " + clientId + " seq " + seq + " id " + msgId + (released ? " released" : "");
        }
    }

    record DeletePending(String clientId, long seq) implements SingleStatement {
        @Override
        public String sql() {
            return "DELETE FROM pending WHERE client_id = ? AND seq = ?";
        }

        @Override
        public void bind(PreparedStatement delete) throws SQLException {
            delete.setString(1, clientId);
            delete.setLong(2, seq);
        }

        @Override
        public String describe() {
            return "deletePending " + clientId + " seq " + seq;
        }
    }

    /** @param stillNeeded null: always written; otherwise asked once by the writer, which skips the write on false */
    record AppendOutbound(OutboundMessage message, BooleanSupplier stillNeeded) implements SingleStatement {
        // A plain INSERT: a seq that is already queued is a bug upstream, and replacing would lose a message.
        private static final String SQL = """
                INSERT INTO outbound (seq, client_id, topic, payload, qos, retain, enqueued_at, link_kind)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

        @Override
        public String sql() {
            return SQL;
        }

        @Override
        public void bind(PreparedStatement insert) throws SQLException {
            insert.setLong(1, message.seq());
            insert.setString(2, message.clientId());
            insert.setString(3, message.topic());
            insert.setBytes(4, message.payload());
            insert.setInt(5, message.qos());
            insert.setBoolean(6, message.retain());
            insert.setLong(7, message.enqueuedAtMillis());
            insert.setString(8, message.linkKind());
        }

        @Override
        public String describe() {
            return "appendOutbound seq " + message.seq() + " from " + message.clientId();
        }
    }

    record DeleteOutbound(List<Long> seqs) implements WriteOp {
        @Override
        public void apply(Statements sql) throws SQLException {
            PreparedStatement delete = sql.get("DELETE FROM outbound WHERE seq = ?");
            for (long seq : seqs) {
                delete.setLong(1, seq);
                delete.addBatch();
            }
            delete.executeBatch();
        }

        @Override
        public boolean multiStatement() {
            return seqs.size() > 1;
        }

        @Override
        public String describe() {
            return "deleteOutbound of " + seqs.size();
        }
    }

    record PutDevice(Device device) implements SingleStatement {
        private static final String SQL = """
                INSERT OR REPLACE INTO devices (client_id, psk, cert_fingerprint, publish_acl, subscribe_acl,
                                                enabled, created, last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

        @Override
        public String sql() {
            return SQL;
        }

        @Override
        public void bind(PreparedStatement upsert) throws SQLException {
            upsert.setString(1, device.clientId());
            upsert.setBytes(2, device.psk());
            upsert.setString(3, device.certFingerprint());
            upsert.setString(4, Columns.patterns(device.publishPatterns()));
            upsert.setString(5, Columns.patterns(device.subscribePatterns()));
            upsert.setBoolean(6, device.enabled());
            Columns.setInstant(upsert, 7, device.created());
            Columns.setInstant(upsert, 8, device.lastSeen());
        }

        @Override
        public String describe() {
            return "putDevice " + device.clientId();
        }
    }

    record RemoveDevice(String clientId) implements SingleStatement {
        @Override
        public String sql() {
            return "DELETE FROM devices WHERE client_id = ?";
        }

        @Override
        public void bind(PreparedStatement delete) throws SQLException {
            delete.setString(1, clientId);
        }

        @Override
        public String describe() {
            return "removeDevice " + clientId;
        }
    }

    record TouchDevice(String clientId, Instant seen) implements SingleStatement {
        @Override
        public String sql() {
            return "UPDATE devices SET last_seen = ? WHERE client_id = ?";
        }

        @Override
        public void bind(PreparedStatement update) throws SQLException {
            Columns.setInstant(update, 1, seen);
            update.setString(2, clientId);
        }

        @Override
        public String describe() {
            return "touchDevice " + clientId;
        }
    }

    /** A write of the radio keyring and pairing windows; its SQL lives in {@link RadioSchema}. */
    record Radio(RadioSchema.Write write) implements WriteOp {
        @Override
        public void apply(Statements sql) throws SQLException {
            write.apply(sql);
        }

        @Override
        public String describe() {
            return write.describe();
        }
    }
}
