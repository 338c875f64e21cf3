package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The database file in its directory: opening it for the writer (configured, checked and migrated) and for
 * readers, and moving a corrupt one out of the way.
 */
final class StoreFile {

    static final String NAME = "sngw.db";

    private static final System.Logger LOG = System.getLogger(StoreFile.class.getName());
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final String[] COMPANIONS = {"-wal", "-shm"};
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final StoreOptions options;

    private StoreFile(Path path, StoreOptions options) {
        this.path = path;
        this.options = options;
    }

    /** The store's file in {@code dir}, creating the directory (private to its owner) when it is missing. */
    static StoreFile in(Path dir, StoreOptions options) {
        StoreDirectory.prepare(dir);
        return new StoreFile(dir.resolve(NAME), options);
    }

    Path path() {
        return path;
    }

    /**
     * A connection for the one writer: WAL, synchronous=FULL, foreign keys on, schema up to date. A file that is not
     * a database or fails its quick check is moved aside or refused, as {@link StoreOptions#onCorrupt()} says.
     */
    Connection openForWriting() {
        boolean existed = exists();
        if (!existed) {
            LOG.log(Level.INFO, "no store database at {0}: starting an empty one", path);
            // Made by us before SQLite opens it, so that it, and the -wal and -shm SQLite gives its mode, are 0600.
            StoreDirectory.createPrivateFile(path);
        }
        try {
            return openChecked(existed);
        } catch (CorruptDatabase e) {
            if (options.onCorrupt() == StoreOptions.OnCorrupt.FAIL) {
                throw new StoreException("store database " + path + " is corrupt (" + e.getMessage()
                        + "); move it away to start with an empty store", e.getCause());
            }
            Path moved = moveAside();
            StoreDirectory.createPrivateFile(path);
            LOG.log(Level.ERROR, "store database {0} is corrupt ({1}): moved it to {2} and started with an empty "
                    + "store; sessions, queued messages and paired devices in it are not restored",
                    path, e.getMessage(), moved);
            try {
                return openChecked(false);
            } catch (CorruptDatabase again) {
                throw new StoreException("a new store database at " + path + " is corrupt at once ("
                        + again.getMessage() + ")", again.getCause());
            }
        }
    }

    /** A connection for reads, which WAL lets run beside the writer's transactions. */
    Connection openForReading() {
        Connection connection = null;
        try {
            connection = Sql.connect(path);
            Sql.execute(connection, "PRAGMA busy_timeout = " + options.busyTimeout().toMillis());
            Sql.execute(connection, "PRAGMA query_only = 1");
            return connection;
        } catch (SQLException e) {
            Sql.closeQuietly(connection);
            throw new StoreException("cannot open store database " + path + " for reading: " + e.getMessage(), e);
        }
    }

    private boolean exists() {
        try {
            // SQLite treats an empty file as a new database: a power cut right after creating it leaves one.
            return Files.exists(path) && Files.size(path) > 0;
        } catch (IOException e) {
            throw new StoreException("cannot read store database " + path + ": " + e, e);
        }
    }

    private Connection openChecked(boolean existed) throws CorruptDatabase {
        if (existed) {
            checkHeader();
        }
        Connection connection = null;
        try {
            connection = Sql.connect(path);
            configure(connection);
            if (existed) {
                quickCheck(connection);
            }
            Schema.migrate(connection, path);
            return connection;
        } catch (SQLException e) {
            Sql.closeQuietly(connection);
            if (Sql.isCorruption(e)) {
                throw new CorruptDatabase(e.getMessage(), e);
            }
            throw new StoreException("cannot open store database " + path + ": " + e.getMessage(), e);
        } catch (CorruptDatabase | RuntimeException e) {
            Sql.closeQuietly(connection);
            throw e;
        }
    }

    /**
     * Looked at before SQLite opens the file: SQLite deletes the -wal when a connection to a file that is not a
     * database closes, and that WAL may hold the last commits of a database whose first page was damaged.
     */
    private void checkHeader() throws CorruptDatabase {
        byte[] header = new byte[MAGIC.length];
        int read;
        try (InputStream in = Files.newInputStream(path)) {
            read = in.readNBytes(header, 0, header.length);
        } catch (IOException e) {
            throw new StoreException("cannot read store database " + path + ": " + e, e);
        }
        if (read < header.length || !Arrays.equals(header, MAGIC)) {
            throw new CorruptDatabase("not an SQLite database: no SQLite header", null);
        }
    }

    private void configure(Connection connection) throws SQLException {
        Sql.execute(connection, "PRAGMA busy_timeout = " + options.busyTimeout().toMillis());
        String mode = Sql.queryText(connection, "PRAGMA journal_mode = WAL");
        if (!"wal".equalsIgnoreCase(mode)) {
            throw new StoreException("store database " + path + " cannot use WAL (journal mode stays " + mode
                    + "); the file system may not support shared memory");
        }
        // FULL: the WAL is synced at every commit. NORMAL in WAL mode syncs only at checkpoints, so a power cut can
        // take back the last commits, and with them QoS 1 messages the sensors were already sent PUBACK for. One
        // commit holds a whole batch of writes, so the fsync that FULL adds is paid once per batch, not per
        // message: an SD card's few hundred syncs a second still carry thousands of messages.
        Sql.execute(connection, "PRAGMA synchronous = FULL");
        Sql.execute(connection, "PRAGMA foreign_keys = ON");
        // Checkpoints: SQLite's automatic one (1000 pages, about 4 MB of WAL) is kept. It runs on the writer
        // thread right after the commit that crosses the mark, so the WAL stays bounded under sustained load
        // without a second thread touching the write connection, and it is passive, so it never waits for the
        // drainer's reads. Checkpointing only when idle would let the WAL, and recovery time after a power cut,
        // grow without bound while the broker is away and the queue keeps filling.
    }

    private void quickCheck(Connection connection) throws SQLException, CorruptDatabase {
        List<String> problems = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA quick_check(3)")) {
            while (rows.next()) {
                problems.add(rows.getString(1));
            }
        }
        if (!problems.equals(List.of("ok"))) {
            throw new CorruptDatabase("quick_check: " + String.join("; ", problems), null);
        }
    }

    /** Renames the file and its companions to {@code sngw.db.corrupt-<timestamp>[-wal|-shm]}. */
    private Path moveAside() {
        Path target = freeTarget();
        try {
            // Companions first: a crash half way must not leave an old WAL beside a new, empty database.
            for (String suffix : COMPANIONS) {
                Path companion = path.resolveSibling(path.getFileName() + suffix);
                if (Files.exists(companion)) {
                    Files.move(companion, target.resolveSibling(target.getFileName() + suffix));
                }
            }
            Files.move(path, target);
        } catch (IOException e) {
            throw new StoreException("store database " + path + " is corrupt and could not be moved to " + target
                    + ": " + e, e);
        }
        return target;
    }

    private Path freeTarget() {
        String base = path.getFileName() + ".corrupt-" + STAMP.format(options.clock().instant());
        Path target = path.resolveSibling(base);
        for (int n = 1; Files.exists(target); n++) {
            target = path.resolveSibling(base + "-" + n);
        }
        return target;
    }

    /** The file is not a usable database; the message says why. */
    private static final class CorruptDatabase extends Exception {
        CorruptDatabase(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
