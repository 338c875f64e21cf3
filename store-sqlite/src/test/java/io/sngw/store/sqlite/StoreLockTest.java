package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One gateway per store directory, within one JVM (across processes: deploy-pi's OneGatewayPerStoreTest). */
class StoreLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondLockOnADirectoryHeldIsRefusedNamingTheDirectoryAndTheHoldersPid() {
        try (StoreLock first = StoreLock.acquire(dir)) {
            StoreException refused = assertThrows(StoreException.class, () -> StoreLock.acquire(dir));
            assertTrue(refused.getMessage().contains("store directory " + dir + " is in use by another gateway (pid "
                    + ProcessHandle.current().pid() + ")"), refused.getMessage());
        }
    }

    @Test
    void theLockIsFreeAgainOnceClosed() {
        StoreLock.acquire(dir).close();
        try (StoreLock again = StoreLock.acquire(dir)) {
            assertEquals(dir, again.dir());
        }
    }

    @Test
    void theLockFileNamesTheProcessThatTookIt() throws Exception {
        StoreLock.acquire(dir).close(); // read after: opening the file while this JVM holds the lock would release it
        assertEquals(ProcessHandle.current().pid() + "\n",
                Files.readString(dir.resolve(StoreLock.NAME), StandardCharsets.US_ASCII));
    }

    @Test
    void aMissingDirectoryIsCreatedToBeLocked() {
        Path missing = dir.resolve("new/store");
        try (StoreLock lock = StoreLock.acquire(missing)) {
            assertTrue(Files.isDirectory(missing));
        }
    }
}
