package io.sngw.store.sqlite;

import io.sngw.core.linksec.PairingWindows;
import io.sngw.core.linksec.RadioKeyring;
import io.sngw.core.security.Device;
import io.sngw.core.security.DeviceRegistry;
import io.sngw.core.store.OutboundMessage;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;
import io.sngw.core.store.Store;
import io.sngw.core.store.StoreException;
import io.sngw.core.store.StoredState;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The store and the device registry in one SQLite file, {@code sngw.db}: WAL with synchronous=FULL, one writer
 * thread that commits whatever has queued in one transaction (group commit), and a separate connection for reads.
 * Thread-safe: any thread may call any method; only {@link #load()} and {@link #readOutbound} block.
 *
 * <p>Other processes may open the same directory (the CLI's {@code sngw devices}): device changes they commit are
 * picked up within {@link StoreOptions#deviceWatch()}.
 */
public final class SqliteStore implements Store, DeviceRegistry {

    private final Path file;
    private final StoreWriter writer;
    private final StoreReader reader;
    private final DeviceCache devices;
    private final DeviceWatch watch;
    private final DeviceChangeNotifier notifier;
    private final RadioKeys radio;
    /** Runs {@link #readOutboundAfterWrites}, started on first use (a backlog to read back is rare). */
    private ExecutorService outboundReader;
    private boolean closed;

    private SqliteStore(Path file, StoreWriter writer, StoreReader reader, DeviceCache devices, DeviceWatch watch,
                        DeviceChangeNotifier notifier, RadioKeys radio) {
        this.file = file;
        this.writer = writer;
        this.reader = reader;
        this.devices = devices;
        this.watch = watch;
        this.notifier = notifier;
        this.radio = radio;
    }

    /**
     * Opens (or creates) the store in {@code dir}, creating the directory when missing.
     *
     * @throws StoreException when the directory is not writable, the database is corrupt and
     *                        {@link StoreOptions#onCorrupt()} is FAIL, or it was written by a newer gateway
     */
    public static SqliteStore open(Path dir, StoreOptions options) {
        Objects.requireNonNull(options, "options");
        StoreFile storeFile = StoreFile.in(dir, options);
        Connection writeConnection = storeFile.openForWriting();
        StoreReader reader = null;
        try {
            reader = new StoreReader(storeFile.openForReading());
            StoreWriter writer = new StoreWriter(writeConnection, options.maxBatch());
            StoreReader.Devices stored = reader.devices();
            DeviceChangeNotifier notifier = new DeviceChangeNotifier();
            DeviceCache devices = new DeviceCache(stored.devices(), writer::submit, options.clock(),
                    options.touchInterval(), notifier);
            writer.start();
            DeviceWatch watch = options.deviceWatch().isZero() ? null
                    : new DeviceWatch(reader, devices, stored.changes(), options.deviceWatch());
            RadioKeys radio = new RadioKeys(reader, writer::submit, options.clock(), options.deviceWatch());
            return new SqliteStore(storeFile.path(), writer, reader, devices, watch, notifier, radio);
        } catch (RuntimeException e) {
            Sql.closeQuietly(reader);
            Sql.closeQuietly(writeConnection);
            throw e;
        }
    }

    public static SqliteStore open(Path dir) {
        return open(dir, StoreOptions.defaults());
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** Where {@link #open} keeps the database in {@code dir}; nothing is opened or created. */
    public static Path fileIn(Path dir) {
        return dir.resolve(StoreFile.NAME);
    }

    @Override
    public StoredState load() {
        return reader.load();
    }

    @Override
    public void saveSession(SessionRecord session) {
        write(new WriteOp.SaveSession(Objects.requireNonNull(session, "session")));
    }

    @Override
    public void deleteSession(String clientId) {
        write(new WriteOp.DeleteSession(Objects.requireNonNull(clientId, "clientId")));
    }

    @Override
    public void saveAwaitingPubRel(String clientId, int msgId) {
        write(new WriteOp.AwaitingPubRel(true, Objects.requireNonNull(clientId, "clientId"), msgId));
    }

    @Override
    public void deleteAwaitingPubRel(String clientId, int msgId) {
        write(new WriteOp.AwaitingPubRel(false, Objects.requireNonNull(clientId, "clientId"), msgId));
    }

    @Override
    public void savePending(PendingMessage message) {
        write(new WriteOp.SavePending(Objects.requireNonNull(message, "message")));
    }

    @Override
    public void saveDeliveryState(String clientId, long seq, int msgId, boolean released) {
        write(new WriteOp.SaveDeliveryState(Objects.requireNonNull(clientId, "clientId"), seq, msgId, released));
    }

    @Override
    public void deletePending(String clientId, long seq) {
        write(new WriteOp.DeletePending(Objects.requireNonNull(clientId, "clientId"), seq));
    }

    @Override
    public CompletableFuture<Void> appendOutbound(OutboundMessage message) {
        return writer.submit(new WriteOp.AppendOutbound(Objects.requireNonNull(message, "message"), null));
    }

    @Override
    public CompletableFuture<Void> appendOutbound(OutboundMessage message, BooleanSupplier stillNeeded) {
        return writer.submit(new WriteOp.AppendOutbound(Objects.requireNonNull(message, "message"),
                Objects.requireNonNull(stillNeeded, "stillNeeded")));
    }

    @Override
    public void deleteOutbound(List<Long> seqs) {
        if (!seqs.isEmpty()) {
            write(new WriteOp.DeleteOutbound(List.copyOf(seqs)));
        }
    }

    @Override
    public List<OutboundMessage> readOutbound(long afterSeq, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        return reader.readOutbound(afterSeq, max);
    }

    /** The read runs on a thread of its own, not the writer's: group commits go on meanwhile. */
    @Override
    public CompletableFuture<List<OutboundMessage>> readOutboundAfterWrites(long afterSeq, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        ExecutorService thread = outboundReader();
        if (thread == null) {
            return CompletableFuture.failedFuture(new StoreException("store is closed"));
        }
        return flush().handle((committed, failed) -> null) // an earlier write's loss is the flusher's to hear of
                .thenApplyAsync(v -> reader.readOutbound(afterSeq, max), thread);
    }

    private synchronized ExecutorService outboundReader() {
        if (outboundReader == null && !closed) {
            outboundReader = StoreThread.start("sngw-store-reader");
        }
        return outboundReader;
    }

    @Override
    public CompletableFuture<Void> flush() {
        return writer.submit(new WriteOp.Flush());
    }

    @Override
    public Optional<Device> find(String clientId) {
        return devices.find(clientId);
    }

    @Override
    public List<Device> list() {
        return devices.list();
    }

    @Override
    public void put(Device device) {
        requireOpen();
        devices.put(Objects.requireNonNull(device, "device"));
    }

    @Override
    public boolean remove(String clientId) {
        requireOpen();
        return devices.remove(clientId);
    }

    @Override
    public void touch(String clientId) {
        if (!writer.isClosed()) {
            devices.touch(clientId);
        }
    }

    /** Changes made here and, within {@link StoreOptions#deviceWatch()}, those committed by other processes. */
    @Override
    public void onChange(Consumer<Set<String>> listener) {
        notifier.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The radio keys and their counters: the keyring of the link security layer. */
    public RadioKeyring radioKeys() {
        return radio;
    }

    /** The pairing windows, opened here or by another process on the same file. */
    public PairingWindows pairingWindows() {
        return radio;
    }

    /** Commits what is queued, checkpoints the WAL into the database file and closes it. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (outboundReader != null) {
                StoreThread.stop(outboundReader, "reading the outbound queue");
            }
        }
        radio.close();
        if (watch != null) {
            watch.close();
        }
        notifier.close();
        writer.close();
        reader.close();
    }

    /** Transactions committed since open. */
    public long batchesCommitted() {
        return writer.batchesCommitted();
    }

    /** Writes committed since open (saves coalesced within a batch count once). */
    public long opsWritten() {
        return writer.opsWritten();
    }

    /** How long the last committed transaction took, from BEGIN to the end of COMMIT (its fsync included). */
    public Duration lastCommitDuration() {
        return writer.lastCommitDuration();
    }

    /** Writes that failed since open: refused alone, or lost with a batch whose transaction failed. */
    public long writeFailures() {
        return writer.writeFailures();
    }

    /** Session saves skipped because a later save of the same client came in the same batch. */
    public long sessionSavesCoalesced() {
        return writer.sessionSavesCoalesced();
    }

    /** Outbound appends skipped because the broker acknowledged the message before the writer reached it. */
    public long outboundAppendsSkipped() {
        return writer.outboundAppendsSkipped();
    }

    /** Outbound rows written (appends) and removed (deletes) since open: what the outbound queue costs the disk. */
    public long outboundRowsWritten() {
        return writer.outboundRowsWritten();
    }

    /** Writes waiting for the writer thread. */
    public int queuedWrites() {
        return writer.queued();
    }

    @Override
    public String toString() {
        return "SqliteStore[" + file + (writer.isClosed() ? ", closed" : "") + "]";
    }

    private void write(WriteOp op) {
        requireOpen();
        writer.submit(op);
    }

    private void requireOpen() {
        if (writer.isClosed()) {
            throw new StoreException("store " + file + " is closed");
        }
    }
}
