package io.sngw.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Third-party MQTT-SN software (njh/mqtt-sn-tools, Eclipse Paho's gateway and client samples) for interoperability
 * tests, built from the source snapshots in {@code shared/thirdparty/} by its {@code build.sh}: once per snapshot,
 * into a cache directory shared by every test JVM (a file lock keeps parallel builds from racing), and reused from
 * then on.
 *
 * <p>{@code shared/} is found beside the repository (CI clones the repository next to a copy of it): the parent of
 * the topmost directory above the working directory that holds a {@code pom.xml}. {@code -Dsngw.shared=DIR} or
 * {@code SNGW_SHARED} override that; {@code -Dsngw.thirdparty.cache=DIR} overrides the cache
 * ({@code ~/.cache/sngw-thirdparty}).
 *
 * <p>Where the software cannot be built (no {@code shared/}, no compiler, a failed build) {@link #binary} aborts the
 * calling test with a JUnit assumption that says why: such tests are skipped, never passed.
 */
public final class ThirdParty {
    private static final long BUILD_TIMEOUT_MINUTES = 15;
    /** Per JVM: the built bin directory, or why there is none (so that a failed build is tried once). */
    private static Path built;
    private static String unavailable;

    private ThirdParty() {
    }

    /**
     * The path of a third-party executable, e.g. {@code mqtt-sn-pub} or {@code MQTT-SNGateway}, building the
     * snapshot first if needed; aborts the test (skipped, with the reason) when it cannot be had.
     */
    public static Path binary(String name) {
        Path bin = binDirectory();
        Path file = bin.resolve(name);
        Assumptions.assumeTrue(Files.isExecutable(file), () -> "third-party binary " + name + " is not among the "
                + "ones built in " + bin + ": skipped");
        return file;
    }

    /** The directory holding every built executable; aborts the test when the build is not possible. */
    public static synchronized Path binDirectory() {
        if (built == null && unavailable == null) {
            try {
                built = build();
            } catch (Unavailable e) {
                unavailable = e.getMessage();
            }
        }
        Assumptions.assumeTrue(built != null, () -> "third-party MQTT-SN software cannot be built here, test "
                + "skipped: " + unavailable);
        return built;
    }

    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private static Path build() throws Unavailable {
        Path shared = sharedDirectory();
        Path script = shared.resolve("thirdparty/build.sh");
        if (!Files.isRegularFile(script)) {
            throw new Unavailable("no " + script + " (set -Dsngw.shared=DIR or SNGW_SHARED to the shared/ directory)");
        }
        Path cache = cacheDirectory();
        String key = snapshotKey(script.getParent());
        Path prefix = cache.resolve(key);
        Path done = prefix.resolve(".complete");
        try {
            Files.createDirectories(cache);
            try (FileChannel lockFile = FileChannel.open(cache.resolve(key + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = lockFile.lock()) { // another JVM building the same snapshot: wait for it
                if (Files.exists(done)) {
                    return prefix.resolve("bin");
                }
                Path log = cache.resolve(key + ".build.log");
                Process p = new ProcessBuilder("bash", script.toString(), prefix.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new Unavailable(script + " took longer than " + BUILD_TIMEOUT_MINUTES + " minutes; log: "
                            + log);
                }
                if (p.exitValue() != 0) {
                    throw new Unavailable(script + " failed (exit " + p.exitValue() + "; it needs gcc g++ make cmake "
                            + "libssl-dev): " + tail(log) + " (full log: " + log + ")");
                }
                Files.writeString(done, "built from " + shared + "\n");
                return prefix.resolve("bin");
            }
        } catch (IOException e) {
            throw new Unavailable("cannot build in " + cache + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while building");
        }
    }

    /** {@code shared/} beside the repository, or where the property or environment variable says. */
    public static Path sharedDirectory() {
        String configured = System.getProperty("sngw.shared", System.getenv("SNGW_SHARED"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path root = null;
        for (Path d = dir; d != null && Files.isRegularFile(d.resolve("pom.xml")); d = d.getParent()) {
            root = d;
        }
        Path repository = root != null ? root : dir;
        return (repository.getParent() != null ? repository.getParent() : repository).resolve("shared");
    }

    private static Path cacheDirectory() {
        String configured = System.getProperty("sngw.thirdparty.cache");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "sngw-thirdparty");
    }

    /** A digest of the script and the snapshots: a new snapshot builds afresh, the same one never twice. */
    private static String snapshotKey(Path thirdparty) throws Unavailable {
        try (Stream<Path> files = Files.list(thirdparty)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException e) {
            throw new Unavailable("cannot read " + thirdparty + ": " + e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }
}
