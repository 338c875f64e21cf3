package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One gateway per store directory: an exclusive lock on {@code sngw.lock} in it, held while the gateway runs, with the
 * holder's pid written in the file for the message the next one gets. Two gateways on one store would each restore
 * and serve the same sessions and drain the same outbound queue. The {@code sngw devices} commands do not take it:
 * they are meant to run beside the gateway. The lock is the operating system's, so a gateway that dies, however it
 * dies, leaves none behind (the file stays, and means nothing unlocked).
 *
 * <p>Within one JVM the operating system's lock cannot tell two holders apart, and on Linux closing any descriptor of
 * the file releases it for the whole process. So a second acquisition in the same JVM is refused by a set of the
 * directories held here before it opens the file, and nothing else in the process may open {@code sngw.lock}.
 */
public final class StoreLock implements AutoCloseable {

    public static final String NAME = "sngw.lock";

    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final Path key;
    private final FileChannel channel;

    private StoreLock(Path dir, Path key, FileChannel channel) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
    }

    /**
     * Creates the directory when missing (as {@link SqliteStore#open} would), then takes the lock.
     *
     * @throws StoreException when another gateway holds it (the message names the directory and, when it can be read,
     *                        the holder's pid), or the directory or the file cannot be created or locked
     */
    public static StoreLock acquire(Path dir) {
        StoreDirectory.createIfMissing(dir);
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            throw new StoreException("cannot lock store directory " + dir + ": " + e, e);
        }
        if (!HELD_HERE.add(key)) {
            throw held(dir, String.valueOf(ProcessHandle.current().pid()));
        }
        Path file = dir.resolve(NAME);
        FileChannel channel = null;
        try {
            StoreDirectory.createPrivateFile(file);
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null; // held in this JVM by code that bypassed HELD_HERE: held all the same
            }
            if (lock == null) {
                String holder = readPid(channel);
                throw held(dir, holder);
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
            return new StoreLock(dir, key, channel);
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(key);
            Sql.closeQuietly(channel);
            if (e instanceof StoreException refused) {
                throw refused;
            }
            throw new StoreException("cannot lock store directory " + dir + " (" + file + "): " + e, e);
        }
    }

    /** The holder's pid, or "unknown" when it has not written it yet. */
    private static String readPid(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("[0-9]{1,19}") ? pid : "unknown";
    }

    private static StoreException held(Path dir, String pid) {
        return new StoreException("store directory " + dir + " is in use by another gateway (pid " + pid + "): only"
                + " one gateway may run on a store directory; stop that one, or give this one another store.dir");
    }

    public Path dir() {
        return dir;
    }

    /** Releases the lock (closing the file releases it). Idempotent. */
    @Override
    public void close() {
        if (channel.isOpen()) {
            Sql.closeQuietly(channel);
            HELD_HERE.remove(key);
        }
    }

    @Override
    public String toString() {
        return "StoreLock[" + dir + "]";
    }
}
