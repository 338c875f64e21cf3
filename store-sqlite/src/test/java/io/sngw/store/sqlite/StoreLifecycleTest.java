package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;

import static io.sngw.store.sqlite.Fixtures.disconnectedSession;
import static io.sngw.store.sqlite.Fixtures.outbound;
import static io.sngw.store.sqlite.Fixtures.pending;
import static io.sngw.store.sqlite.Fixtures.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void closeCommitsEverythingStillQueued() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            LongStream.rangeClosed(1, 20_000).forEach(seq -> store.appendOutbound(outbound(seq)));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(20_000, store.load().outbound().count());
        }
    }

    @Test
    void closeCheckpointsTheWalIntoTheDatabaseFile() throws Exception {
        Path wal = dir.resolve("sngw.db-wal");
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.appendOutbound(outbound(1)).join();
            assertTrue(Files.size(wal) > 0, "the commit went to the WAL");
        }
        assertTrue(!Files.exists(wal) || Files.size(wal) == 0, "nothing left to replay after close");
    }

    @Test
    void writesAfterCloseThrowOrFailTheirFuture() {
        SqliteStore store = SqliteStore.open(dir);
        store.close();

        assertThrows(StoreException.class, () -> store.saveSession(disconnectedSession("late")));
        assertThrows(StoreException.class, () -> store.savePending(pending("late", 1)));
        assertThrows(StoreException.class, () -> store.deleteOutbound(List.of(1L)));
        CompletionException append = assertThrows(CompletionException.class,
                () -> store.appendOutbound(outbound(1)).join());
        assertInstanceOf(StoreException.class, append.getCause());
        assertInstanceOf(StoreException.class,
                assertThrows(CompletionException.class, () -> store.flush().join()).getCause());
    }

    @Test
    void closeTwiceIsHarmless() {
        SqliteStore store = SqliteStore.open(dir);
        store.close();
        store.close();
        assertTrue(store.toString().contains("closed"));
    }

    @Test
    void failedTransactionFailsItsBatchAndTheWriterGoesOnWithTheNext() throws Exception {
        StoreOptions impatient = StoreOptions.defaults().withBusyTimeout(java.time.Duration.ofMillis(100));
        try (SqliteStore store = SqliteStore.open(dir, impatient)) {
            try (WriteLock lock = WriteLock.take(store.file())) {
                CompletionException lost = assertThrows(CompletionException.class,
                        () -> store.appendOutbound(outbound(1)).join());
                assertInstanceOf(StoreException.class, lost.getCause());
                assertTrue(lost.getCause().getMessage().contains("locked"), lost.getCause().getMessage());
            }
            store.appendOutbound(outbound(2)).join();

            assertEquals(List.of(2L), seqs(store.readOutbound(0, 10)));
            assertEquals(1, store.writeFailures());
            assertEquals(1, store.batchesCommitted());
        }
    }

    @Test
    void flushFailsWhenAWriteSinceThePreviousFlushFailedAndTheNextFlushSucceeds() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.appendOutbound(outbound(1)).join();
            store.appendOutbound(outbound(1));

            assertInstanceOf(StoreException.class,
                    assertThrows(CompletionException.class, () -> store.flush().join()).getCause());
            store.flush().join();
        }
    }

    @Test
    void metricsCountCommittedBatchesAndWrites() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.appendOutbound(outbound(1)).join();
            store.appendOutbound(outbound(2)).join();

            assertEquals(2, store.batchesCommitted());
            assertEquals(2, store.opsWritten());
            assertEquals(0, store.writeFailures());
            assertFalse(store.lastCommitDuration().isZero());
        }
    }
}
