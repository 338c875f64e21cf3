package io.sngw.deploy.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The secret a {@code POST /api/pair} must carry: written by the gateway at start into its store directory, readable
 * by its owner only. Opening a pairing window through the endpoint then needs what opening one through the store
 * needs, the right to read the gateway's store (the service's user, root) — not merely a login on the Pi.
 */
public final class PairToken {
    /** The request header that carries it. */
    public static final String HEADER = "X-Sngw-Pair-Token";
    static final String FILE = "pair.token";

    private final byte[] value;

    private PairToken(byte[] value) {
        this.value = value;
    }

    /** A new token, written (owner-only, replacing the last run's) into {@code storeDir}. */
    static PairToken create(Path storeDir) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String hex = HexFormat.of().formatHex(random);
        Path tmp = Files.createTempFile(storeDir, FILE, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, hex + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, storeDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, storeDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new PairToken(hex.getBytes(StandardCharsets.US_ASCII));
    }

    /** The token of the gateway whose store is {@code storeDir}, for the CLI; empty when missing or not readable. */
    public static Optional<String> read(Path storeDir) {
        try {
            return Optional.of(Files.readString(storeDir.resolve(FILE), StandardCharsets.US_ASCII).trim());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Whether a request presented this token (compared in constant time). */
    boolean matches(String presented) {
        return presented != null
                && MessageDigest.isEqual(value, presented.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
