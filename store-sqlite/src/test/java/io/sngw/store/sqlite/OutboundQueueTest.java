package io.sngw.store.sqlite;

import io.sngw.core.store.OutboundMessage;
import io.sngw.core.store.StoreException;
import io.sngw.core.store.StoredState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static io.sngw.store.sqlite.Fixtures.assertSameOutbound;
import static io.sngw.store.sqlite.Fixtures.outbound;
import static io.sngw.store.sqlite.Fixtures.seqs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundQueueTest {

    @TempDir
    Path dir;

    @Test
    void messagesReadBackInSeqOrderAfterTheGivenSeqInBatches() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            for (long seq : new long[]{5, 1, 4, 2, 3, 6, 7}) {
                store.appendOutbound(outbound(seq));
            }
            store.flush().join();

            assertEquals(List.of(3L, 4L, 5L), seqs(store.readOutbound(2, 3)));
            assertEquals(List.of(6L, 7L), seqs(store.readOutbound(5, 3)));
            assertEquals(List.of(), store.readOutbound(7, 3));
            assertSameOutbound(outbound(4), store.readOutbound(3, 1).get(0));
        }
    }

    /** The outbound queue's owner may be an event loop: it asks without flushing or blocking, and gets every append. */
    @Test
    void anAsynchronousReadSeesEveryAppendIssuedBeforeItAndNotThoseDeletedBefore() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            LongStream.rangeClosed(1, 5).forEach(seq -> store.appendOutbound(outbound(seq)));
            store.deleteOutbound(List.of(2L));

            CompletableFuture<List<OutboundMessage>> read = store.readOutboundAfterWrites(0, 3);

            assertEquals(List.of(1L, 3L, 4L), seqs(read.join()));
            assertEquals(List.of(5L), seqs(store.readOutboundAfterWrites(4, 3).join()));
        }
    }

    @Test
    void anAsynchronousReadAfterCloseFails() {
        SqliteStore store = SqliteStore.open(dir);
        store.close();

        CompletionException failed = assertThrows(CompletionException.class,
                () -> store.readOutboundAfterWrites(0, 3).join());
        assertInstanceOf(StoreException.class, failed.getCause());
    }

    @Test
    void deleteOutboundRemovesExactlyThoseSeqs() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            LongStream.rangeClosed(1, 6).forEach(seq -> store.appendOutbound(outbound(seq)));
            store.deleteOutbound(List.of(2L, 5L, 99L));
            store.flush().join();

            assertEquals(List.of(1L, 3L, 4L, 6L), seqs(store.readOutbound(0, 100)));
        }
    }

    @Test
    void anAppendNoLongerNeededWhenTheWriterReachesItIsSkippedAndCountedWhileTheRestOfItsBatchIsWritten() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (long seq = 1; seq <= 6; seq++) {
                boolean needed = seq % 3 != 0;
                done.add(store.appendOutbound(outbound(seq), () -> needed));
            }
            store.flush().join();

            done.forEach(CompletableFuture::join); // a skipped append completes normally, like a written one
            assertEquals(List.of(1L, 2L, 4L, 5L), seqs(store.readOutbound(0, 100)));
            assertEquals(2, store.outboundAppendsSkipped());
            assertEquals(4, store.outboundRowsWritten());
        }
    }

    @Test
    void summaryAfterReopenCountsMessagesAndBytesAndSpansFirstToLastSeq() {
        long bytes = 0;
        try (SqliteStore store = SqliteStore.open(dir)) {
            for (long seq = 10; seq <= 20; seq++) {
                store.appendOutbound(outbound(seq));
                bytes += outbound(seq).payload().length;
            }
            store.deleteOutbound(List.of(10L));
            bytes -= outbound(10).payload().length;
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertEquals(new StoredState.OutboundSummary(10, bytes, 11, 20), store.load().outbound());
        }
    }

    @Test
    void appendCompletesOnlyOnceAnotherConnectionCanReadTheRow() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            for (long seq = 1; seq <= 50; seq++) {
                store.appendOutbound(outbound(seq)).join();
                try (Connection other = Sql.connect(store.file());
                     Statement statement = other.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT payload FROM outbound WHERE seq = " + seq)) {
                    assertTrue(rows.next(), "seq " + seq + " committed when its future completed");
                    assertArrayEquals(outbound(seq).payload(), rows.getBytes(1));
                }
            }
        }
    }

    @Test
    void concurrentAppendsFromSeveralThreadsAreAllDurableAndReadInSeqOrder() throws Exception {
        int threads = 4;
        int perThread = 5_000;
        AtomicLong nextSeq = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<Future<List<CompletableFuture<Void>>>> appenders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                appenders.add(pool.submit(() -> {
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        futures.add(store.appendOutbound(outbound(nextSeq.incrementAndGet())));
                    }
                    return futures;
                }));
            }
            for (Future<List<CompletableFuture<Void>>> appender : appenders) {
                appender.get().forEach(CompletableFuture::join);
            }
        } finally {
            pool.shutdown();
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<OutboundMessage> all = new ArrayList<>();
            for (List<OutboundMessage> batch = store.readOutbound(0, 777); !batch.isEmpty();
                 batch = store.readOutbound(batch.get(batch.size() - 1).seq(), 777)) {
                all.addAll(batch);
            }
            assertEquals(LongStream.rangeClosed(1, (long) threads * perThread).boxed().toList(), seqs(all));
            all.forEach(message -> assertArrayEquals(outbound(message.seq()).payload(), message.payload()));
        }
    }

    @Test
    void appendWithASeqAlreadyQueuedFailsAloneAndTheRestOfItsBatchCommits() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.appendOutbound(outbound(1)).join();
            CompletableFuture<Void> before;
            CompletableFuture<Void> duplicate;
            CompletableFuture<Void> after;
            try (WriteLock lock = WriteLock.take(store.file())) {
                store.deleteOutbound(List.of(0L));
                WriteLock.awaitWriterBlocked(store);
                before = store.appendOutbound(outbound(2));
                duplicate = store.appendOutbound(outbound(1));
                after = store.appendOutbound(outbound(3));
            }
            before.join();
            after.join();
            CompletionException failure = assertThrows(CompletionException.class, duplicate::join);
            assertInstanceOf(StoreException.class, failure.getCause());
            assertTrue(failure.getCause().getMessage().contains("seq 1"), failure.getCause().getMessage());
            assertEquals(List.of(1L, 2L, 3L), seqs(store.readOutbound(0, 10)));
            assertEquals(1, store.writeFailures());
        }
    }
}
