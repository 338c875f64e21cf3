package io.sngw.store.sqlite;

import io.sngw.core.store.StoreException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The store's directory, which holds the device keys (unencrypted, in {@code sngw.db}): created readable by its owner
 * only, and a warning when an existing one is open to others. Where the file system has no POSIX permissions
 * (FAT on a USB stick, say) nothing is set and nothing is said: there is nothing to set.
 */
final class StoreDirectory {

    private static final System.Logger LOG = System.getLogger(StoreDirectory.class.getName());
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private StoreDirectory() {
    }

    /**
     * Creates {@code dir} (mode 0700; missing parents as the umask says) or, when it exists, warns once if group or
     * others may access it.
     *
     * @throws StoreException when it cannot be created or is not a writable directory
     */
    static void prepare(Path dir) {
        if (!Files.isDirectory(dir)) {
            create(dir);
        } else {
            warnIfOpenToOthers(dir);
        }
        requireWritable(dir);
    }

    /**
     * As {@link #prepare}, without the warning about an existing directory: for the lock, which is taken just before
     * the store opens the same directory and warns (once per start, not twice).
     */
    static void createIfMissing(Path dir) {
        if (!Files.isDirectory(dir)) {
            create(dir);
        }
        requireWritable(dir);
    }

    private static void requireWritable(Path dir) {
        if (!Files.isWritable(dir)) {
            throw new StoreException("store directory " + dir + " is not writable");
        }
    }

    private static void create(Path dir) {
        try {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                warnIfOpenToOthers(dir); // made by someone else meanwhile: theirs to set
                return;
            }
            throw new StoreException("cannot create store directory " + dir + ": " + e, e);
        } catch (IOException e) {
            throw new StoreException("cannot create store directory " + dir + ": " + e, e);
        }
        // Set after creating, not as a creation attribute: the umask would only ever take bits away, but set
        // explicitly the mode does not depend on it.
        restrict(dir, OWNER_ONLY_DIRECTORY);
    }

    /** Creates an empty file readable and writable by its owner only, unless it exists. */
    static void createPrivateFile(Path file) {
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            throw new StoreException("cannot create " + file + ": " + e, e);
        }
        restrict(file, OWNER_ONLY_FILE);
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) {
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (UnsupportedOperationException | IOException e) {
            LOG.log(Level.DEBUG, "{0}: permissions not set, the file system has none to set ({1})", path, e);
        }
    }

    private static void warnIfOpenToOthers(Path dir) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(dir);
        } catch (UnsupportedOperationException | IOException e) {
            return;
        }
        if (permissions.stream().anyMatch(OTHERS::contains)) {
            LOG.log(Level.WARNING, "store directory {0} is accessible to other users ({1}): the device keys in it are"
                    + " readable by others; fix it with: chmod 700 {0}", dir, PosixFilePermissions.toString(permissions));
        }
    }
}
