package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one thread that writes. Callers queue a {@link WriteOp} and get a future at once; the thread takes everything
 * queued (up to {@code maxBatch}), runs it in one transaction and completes the futures after the commit, so one
 * fsync makes a whole burst durable (group commit). Futures complete on this thread: callers hop to their own
 * executor before doing real work.
 */
final class StoreWriter {

    private static final System.Logger LOG = System.getLogger(StoreWriter.class.getName());

    private record Request(WriteOp op, CompletableFuture<Void> done) {
    }

    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Connection connection;
    private final Statements sql;
    private final int maxBatch;
    private final Thread thread;

    private volatile boolean closed;
    /** The thread has stopped taking requests; whoever finds a request still queued fails it. */
    private volatile boolean terminated;

    private volatile long batchesCommitted;
    private volatile long opsWritten;
    private volatile long lastCommitNanos;
    private volatile long writeFailures;
    private volatile long sessionSavesCoalesced;
    private volatile long outboundAppendsSkipped;
    private volatile long outboundRowsWritten;

    // Owned by the writer thread.
    private long failuresSinceFlush;
    private long failedBatchesInARow;

    StoreWriter(Connection connection, int maxBatch) {
        this.connection = connection;
        this.sql = new Statements(connection);
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, "sngw-store-writer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean isClosed() {
        return closed;
    }

    CompletableFuture<Void> submit(WriteOp op) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(closedException());
            return done;
        }
        Request request = new Request(op, done);
        queue.add(request);
        // Raced with close(): the writer drains the queue after setting terminated, so either it saw this request
        // or this check sees terminated; remove() decides which of the two fails it.
        if (terminated && queue.remove(request)) {
            done.completeExceptionally(closedException());
        }
        return done;
    }

    /** Commits what is queued, checkpoints and closes the connection; writes from now on fail. Idempotent. */
    void close() {
        if (!closed) {
            closed = true;
            queue.add(new Request(new WriteOp.Close(), new CompletableFuture<>()));
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    long batchesCommitted() {
        return batchesCommitted;
    }

    long opsWritten() {
        return opsWritten;
    }

    Duration lastCommitDuration() {
        return Duration.ofNanos(lastCommitNanos);
    }

    long writeFailures() {
        return writeFailures;
    }

    long sessionSavesCoalesced() {
        return sessionSavesCoalesced;
    }

    long outboundAppendsSkipped() {
        return outboundAppendsSkipped;
    }

    long outboundRowsWritten() {
        return outboundRowsWritten;
    }

    int queued() {
        return queue.size();
    }

    private void run() {
        List<Request> batch = new ArrayList<>(maxBatch);
        try {
            boolean closing = false;
            while (!closing) {
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - 1);
                closing = writeBatch(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            LOG.log(Level.ERROR, "store writer interrupted: store writes fail from now on");
        } finally {
            terminated = true;
            for (Request request : batch) {
                request.done().completeExceptionally(closedException());
            }
            for (Request request; (request = queue.poll()) != null; ) {
                request.done().completeExceptionally(closedException());
            }
            checkpointAndClose();
        }
    }

    /** @return whether the batch held the close request */
    private boolean writeBatch(List<Request> batch) {
        int close = indexOfClose(batch);
        for (Request late : batch.subList(Math.min(close + 1, batch.size()), batch.size())) {
            late.done().completeExceptionally(closedException());
        }
        List<Request> work = batch.subList(0, close);
        long failuresBefore = failuresSinceFlush;
        long[] flushVerdicts = new long[work.size()];
        try {
            commit(work, flushVerdicts);
        } catch (SQLException | RuntimeException e) {
            failBatch(work, failuresBefore, e);
            return close < batch.size();
        }
        for (int i = 0; i < work.size(); i++) {
            Request request = work.get(i);
            if (request.op() instanceof WriteOp.Flush && flushVerdicts[i] > 0) {
                request.done().completeExceptionally(new StoreException(
                        flushVerdicts[i] + " store writes issued since the previous flush failed"));
            } else {
                request.done().complete(null);
            }
        }
        return close < batch.size();
    }

    /**
     * Applies the batch in one transaction and commits it. A flush's verdict is the number of writes that failed
     * between the previous flush and it.
     */
    private void commit(List<Request> work, long[] flushVerdicts) throws SQLException {
        BitSet superseded = coalesceSessionSaves(work);
        skipAppendsNoLongerNeeded(work, superseded);
        long start = System.nanoTime();
        int applied = 0;
        boolean inTransaction = false;
        for (int i = 0; i < work.size(); ) {
            if (work.get(i).op() instanceof WriteOp.Flush) {
                flushVerdicts[i++] = failuresSinceFlush;
                failuresSinceFlush = 0;
            } else if (superseded.get(i)) {
                i++;
            } else {
                if (!inTransaction) {
                    sql.execute("BEGIN IMMEDIATE");
                    inTransaction = true;
                }
                int runEnd = endOfRun(work, i, superseded);
                applied += runEnd - i == 1 ? (applyAlone(work.get(i)) ? 1 : 0) : applyRun(work.subList(i, runEnd));
                i = runEnd;
            }
        }
        if (inTransaction) {
            sql.execute("COMMIT");
            recordCommit(applied, System.nanoTime() - start);
        }
    }

    /**
     * Where the run of single-statement writes with the same SQL that starts at {@code start} ends (before the first
     * superseded one).
     */
    private static int endOfRun(List<Request> work, int start, BitSet superseded) {
        if (!(work.get(start).op() instanceof WriteOp.SingleStatement first)) {
            return start + 1;
        }
        int end = start + 1;
        while (end < work.size() && !superseded.get(end) && work.get(end).op() instanceof WriteOp.SingleStatement next
                && next.sql().equals(first.sql())) {
            end++;
        }
        return end;
    }

    /**
     * Runs consecutive writes of one statement as one JDBC batch. When one of them is wrong in itself the run is
     * undone and replayed one by one, so that only that one fails.
     *
     * @return how many were applied
     */
    private int applyRun(List<Request> run) throws SQLException {
        String statementSql = ((WriteOp.SingleStatement) run.get(0).op()).sql();
        PreparedStatement statement = sql.get(statementSql);
        sql.execute("SAVEPOINT run");
        try {
            for (Request request : run) {
                ((WriteOp.SingleStatement) request.op()).bind(statement);
                statement.addBatch();
            }
            statement.executeBatch();
            sql.execute("RELEASE run");
            return run.size();
        } catch (SQLException e) {
            statement.clearBatch();
            if (!Sql.failsOnlyItsStatement(e)) {
                throw e;
            }
        } catch (RuntimeException e) {
            statement.clearBatch();
        }
        sql.execute("ROLLBACK TO run");
        sql.execute("RELEASE run");
        int applied = 0;
        for (Request request : run) {
            applied += applyAlone(request) ? 1 : 0;
        }
        return applied;
    }

    /**
     * Runs one write; a write that is wrong in itself (a duplicate key, a value too big) is undone and fails alone,
     * so one bad message does not cost the rest of the batch their acknowledgement.
     *
     * @return whether it was applied
     * @throws SQLException when the database, not the write, failed: the whole batch is lost
     */
    private boolean applyAlone(Request request) throws SQLException {
        WriteOp op = request.op();
        boolean savepoint = op.multiStatement();
        if (savepoint) {
            sql.execute("SAVEPOINT op");
        }
        try {
            op.apply(sql);
            if (savepoint) {
                sql.execute("RELEASE op");
            }
            return true;
        } catch (SQLException e) {
            if (!Sql.failsOnlyItsStatement(e)) {
                throw e;
            }
            undo(savepoint);
            refuse(request, e);
            return false;
        } catch (RuntimeException e) {
            undo(savepoint);
            refuse(request, e);
            return false;
        }
    }

    private void undo(boolean savepoint) throws SQLException {
        if (savepoint) {
            sql.execute("ROLLBACK TO op");
            sql.execute("RELEASE op");
        }
    }

    private void refuse(Request request, Exception e) {
        writeFailures++;
        failuresSinceFlush++;
        String what = request.op().describe();
        LOG.log(Level.WARNING, "store write refused ({0}): {1}", what, e.getMessage());
        request.done().completeExceptionally(new StoreException("store write refused (" + what + "): "
                + e.getMessage(), e));
    }

    /** Only the last save of a client in a batch is written: each save replaces the whole session anyway. */
    private BitSet coalesceSessionSaves(List<Request> work) {
        BitSet superseded = new BitSet(work.size());
        Map<String, Integer> lastSave = null;
        for (int i = 0; i < work.size(); i++) {
            if (work.get(i).op() instanceof WriteOp.SaveSession save) {
                if (lastSave == null) {
                    lastSave = new HashMap<>();
                }
                Integer earlier = lastSave.put(save.session().clientId(), i);
                if (earlier != null) {
                    superseded.set(earlier);
                }
            }
        }
        sessionSavesCoalesced += superseded.cardinality();
        return superseded;
    }

    /**
     * Outbound appends whose message the broker acknowledged while they waited for this writer: not written (their
     * futures complete with the batch, as if written). Their guard is asked here, once, before the transaction: an
     * append it lets through is written even if the broker's ack comes a moment later (the queue then deletes it).
     */
    private void skipAppendsNoLongerNeeded(List<Request> work, BitSet superseded) {
        long skipped = 0;
        long rows = 0;
        for (int i = 0; i < work.size(); i++) {
            WriteOp op = work.get(i).op();
            if (op instanceof WriteOp.AppendOutbound append) {
                if (append.stillNeeded() != null && !append.stillNeeded().getAsBoolean()) {
                    superseded.set(i);
                    skipped++;
                } else {
                    rows++;
                }
            } else if (op instanceof WriteOp.DeleteOutbound delete) {
                rows += delete.seqs().size();
            }
        }
        outboundAppendsSkipped += skipped;
        outboundRowsWritten += rows;
    }

    private void recordCommit(int applied, long nanos) {
        batchesCommitted++;
        opsWritten += applied;
        lastCommitNanos = nanos;
        if (failedBatchesInARow > 0) {
            LOG.log(Level.INFO, "store writes succeed again after {0} failed batches", failedBatchesInARow);
            failedBatchesInARow = 0;
        }
    }

    private void failBatch(List<Request> work, long failuresBefore, Exception cause) {
        try {
            sql.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite may have rolled back already (I/O error, full disk).
        }
        if (failedBatchesInARow++ == 0) {
            LOG.log(Level.ERROR, "store write failed; every write of the batch is lost and reported to its caller"
                    + " (logged once until writes succeed again)", cause);
        }
        StoreException failure = new StoreException("store write failed: " + cause.getMessage(), cause);
        failuresSinceFlush = failuresBefore;
        for (Request request : work) {
            if (request.op() instanceof WriteOp.Flush) {
                failuresSinceFlush = 0;
            } else {
                failuresSinceFlush++;
                if (!request.done().isDone()) {
                    writeFailures++;
                }
            }
            request.done().completeExceptionally(failure);
        }
    }

    private static int indexOfClose(List<Request> batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).op() instanceof WriteOp.Close) {
                return i;
            }
        }
        return batch.size();
    }

    private void checkpointAndClose() {
        sql.close();
        try {
            // TRUNCATE leaves a zero-length WAL behind, so the next start has nothing to recover.
            Sql.execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "store checkpoint at close failed (the WAL is replayed at the next start): {0}",
                    e.getMessage());
        }
        Sql.closeQuietly(connection);
    }

    private static StoreException closedException() {
        return new StoreException("store is closed");
    }
}
