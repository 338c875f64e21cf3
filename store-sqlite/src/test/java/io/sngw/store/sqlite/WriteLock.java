package io.sngw.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Another connection holding the database's write lock, as a second process (the CLI, a backup) would: the store's
 * writer waits for it in BEGIN IMMEDIATE, so writes queued meanwhile form one batch, and a short busy timeout makes
 * that batch fail for real.
 */
final class WriteLock implements AutoCloseable {

    private final Connection connection;

    private WriteLock(Connection connection) {
        this.connection = connection;
    }

    static WriteLock take(Path databaseFile) throws SQLException {
        Connection connection = Sql.connect(databaseFile);
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");
        }
        return new WriteLock(connection);
    }

    /** Waits until the writer has taken every queued request and so is stuck behind this lock. */
    static void awaitWriterBlocked(SqliteStore store) throws InterruptedException {
        Fixtures.await("the writer has taken the queued writes", () -> store.queuedWrites() == 0);
        Thread.sleep(50);
    }

    @Override
    public void close() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK");
        } finally {
            connection.close();
        }
    }
}
