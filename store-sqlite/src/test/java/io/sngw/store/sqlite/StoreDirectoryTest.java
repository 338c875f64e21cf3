package io.sngw.store.sqlite;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The store directory holds the device keys: private when the store creates it, a warning when it is not. */
class StoreDirectoryTest {
    private static final StoreOptions NO_WATCH = StoreOptions.defaults().withDeviceWatch(Duration.ZERO);

    @TempDir
    Path tmp;

    private final Logger log = Logger.getLogger(StoreDirectory.class.getName());
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureWarnings() {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions here");
        log.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        log.removeHandler(capture);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aDirectoryTheStoreCreatesIsPrivateToItsOwnerAndSoIsItsDatabase() throws Exception {
        Path dir = tmp.resolve("var/lib/sngw");
        try (SqliteStore store = SqliteStore.open(dir, NO_WATCH)) {
            store.flush().join();
            assertEquals("rwx------", mode(dir));
            assertEquals("rw-------", mode(store.file()));
            assertEquals("rw-------", mode(store.file().resolveSibling(store.file().getFileName() + "-wal")));
        }
        assertTrue(warnings.isEmpty(), "warned: " + warnings);
    }

    @Test
    void anExistingDirectoryOpenToOthersIsLeftAsItIsWithAWarningSayingHowToFixIt() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        SqliteStore.open(dir, NO_WATCH).close();

        assertEquals("rwxr-xr-x", mode(dir));
        assertEquals(1, warnings.size(), "warnings: " + warnings);
        String message = MessageFormat.format(warnings.get(0).getMessage(), warnings.get(0).getParameters());
        assertTrue(message.contains("readable by others") && message.contains("chmod 700 " + dir), message);
    }

    @Test
    void aGatewayStartTakingTheLockThenOpeningTheStoreWarnsOnce() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("shared-by-a-gateway"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));

        try (StoreLock lock = StoreLock.acquire(dir); SqliteStore store = SqliteStore.open(dir, NO_WATCH)) {
            assertEquals(1, warnings.size(), "warnings: " + warnings);
        }
    }

    @Test
    void anExistingPrivateDirectoryIsNotWarnedAbout() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("private"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));

        SqliteStore.open(dir, NO_WATCH).close();

        assertTrue(warnings.isEmpty(), "warned: " + warnings);
    }
}
