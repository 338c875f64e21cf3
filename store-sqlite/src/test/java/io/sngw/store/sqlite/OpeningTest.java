package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.LongStream;

import static io.sngw.store.sqlite.Fixtures.outbound;
import static io.sngw.store.sqlite.Fixtures.seqs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpeningTest {

    private static final byte[] GARBAGE = "this is not a database, it is a text file ".repeat(200).getBytes();
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-03-01T12:00:00.123Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void missingDirectoryIsCreatedAndTheStoreStartsEmptyAtTheLatestSchema() throws Exception {
        Path nested = dir.resolve("var/lib/sngw");
        try (SqliteStore store = SqliteStore.open(nested)) {
            assertEquals(0, store.load().outbound().count());
            assertEquals(nested.resolve("sngw.db"), store.file());
        }
        try (Connection connection = Sql.connect(nested.resolve("sngw.db"))) {
            assertEquals(Schema.latestVersion(), Schema.version(connection));
        }
    }

    @Test
    void directoryThatCannotBeCreatedFailsNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path impossible = file.resolve("store");

        StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(impossible));
        assertTrue(e.getMessage().contains(impossible.toString()), e.getMessage());
    }

    @Test
    void garbageFileIsMovedAsideWithItsWalAndAnEmptyStoreStarts() throws Exception {
        Path db = dir.resolve("sngw.db");
        Files.write(db, GARBAGE);
        Files.write(dir.resolve("sngw.db-wal"), new byte[]{1, 2, 3});

        try (SqliteStore store = SqliteStore.open(dir, StoreOptions.defaults().withClock(FIXED))) {
            store.appendOutbound(outbound(1)).join();
        }

        Path moved = dir.resolve("sngw.db.corrupt-20260301-120000-123");
        assertArrayEquals(GARBAGE, Files.readAllBytes(moved));
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(dir.resolve(moved.getFileName() + "-wal")));
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(List.of(1L), seqs(store.readOutbound(0, 10)));
        }
    }

    @Test
    void garbageFileWithFailRaisesStoreExceptionNamingItAndLeavesItInPlace() throws Exception {
        Path db = dir.resolve("sngw.db");
        Files.write(db, GARBAGE);
        StoreOptions fail = StoreOptions.defaults().withOnCorrupt(StoreOptions.OnCorrupt.FAIL);

        StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(dir, fail));
        assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertArrayEquals(GARBAGE, Files.readAllBytes(db));
    }

    @Test
    void damagedPageIsCaughtAtOpenByTheQuickCheck() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            LongStream.rangeClosed(1, 500).forEach(seq -> store.appendOutbound(outbound(seq)));
        }
        Path db = dir.resolve("sngw.db");
        int pageSize = 4096;
        try (var channel = Files.newByteChannel(db, StandardOpenOption.WRITE)) {
            channel.position(2L * pageSize);
            channel.write(java.nio.ByteBuffer.wrap(new byte[pageSize]).put(0, (byte) 0x55));
        }
        StoreOptions fail = StoreOptions.defaults().withOnCorrupt(StoreOptions.OnCorrupt.FAIL);

        StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(dir, fail));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void databaseFromANewerGatewayIsRefusedAndKept() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.appendOutbound(outbound(1)).join();
        }
        Path db = dir.resolve("sngw.db");
        try (Connection connection = Sql.connect(db)) {
            Sql.execute(connection, "PRAGMA user_version = " + (Schema.latestVersion() + 1));
        }

        StoreException e = assertThrows(StoreException.class, () -> SqliteStore.open(dir));
        assertTrue(e.getMessage().contains("schema version " + (Schema.latestVersion() + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("newer gateway"), e.getMessage());
        assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(path -> path.getFileName().toString().contains("corrupt")));
        }
    }
}
