package io.sngw.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which directory {@code store.dir} puts the database in: the one answer the running gateway ({@link GatewayApp})
 * and the {@code sngw devices} commands share, so that both open the same {@code sngw.db}.
 *
 * @param dir               the directory
 * @param unwritableDefault when store.dir is not set and {@value GatewayConfig#DEFAULT_STORE_DIR} cannot be written
 *                          (the gateway run by hand, not as the service), that directory, and {@code dir} is the
 *                          user's {@code ~/.local/share/sngw} instead; null otherwise. Callers say so.
 */
public record StoreLocation(Path dir, Path unwritableDefault) {

    /** The store's directory, or empty when {@code store.dir} is {@value GatewayConfig#NO_STORE}. */
    public static Optional<StoreLocation> of(GatewayConfig.StoreSettings settings) {
        if (settings.inMemory()) {
            return Optional.empty();
        }
        if (settings.dir() == null) {
            Path dir = Path.of(GatewayConfig.DEFAULT_STORE_DIR);
            if (writableOrCreatable(dir)) {
                return Optional.of(new StoreLocation(dir, null));
            }
            return Optional.of(new StoreLocation(Path.of(System.getProperty("user.home"), ".local", "share", "sngw"),
                    dir));
        }
        if (settings.dir().startsWith("~/")) {
            return Optional.of(new StoreLocation(Path.of(System.getProperty("user.home"), settings.dir().substring(2)),
                    null));
        }
        return Optional.of(new StoreLocation(Path.of(settings.dir()), null));
    }

    public boolean fellBack() {
        return unwritableDefault != null;
    }

    private static boolean writableOrCreatable(Path dir) {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
    }
}
