package io.sngw.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
            } catch (CachedBuild.Unavailable e) {
                unavailable = e.getMessage();
            }
        }
        Assumptions.assumeTrue(built != null, () -> "third-party MQTT-SN software cannot be built here, test "
                + "skipped: " + unavailable);
        return built;
    }

    private static Path build() throws CachedBuild.Unavailable {
        Path shared = sharedDirectory();
        Path script = shared.resolve("thirdparty/build.sh");
        if (!Files.isRegularFile(script)) {
            throw new CachedBuild.Unavailable("no " + script + " (set -Dsngw.shared=DIR or SNGW_SHARED to the shared/ "
                    + "directory)", true);
        }
        String key = CachedBuild.contentKey(script.getParent(), false);
        Path prefix = CachedBuild.build(CachedBuild.cacheDirectory("sngw.thirdparty.cache", "sngw-thirdparty"), key,
                BUILD_TIMEOUT_MINUTES, List.of(dir -> List.of("bash", script.toString(), dir.toString())),
                (command, exit, tail, log) -> new CachedBuild.Unavailable(script + " failed (exit " + exit + "; it "
                        + "needs gcc g++ make cmake libssl-dev): " + tail + " (full log: " + log + ")", true));
        return prefix.resolve("bin");
    }

    /** {@code shared/} beside the repository, or where the property or environment variable says. */
    public static Path sharedDirectory() {
        String configured = System.getProperty("sngw.shared", System.getenv("SNGW_SHARED"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path repository = CachedBuild.repositoryRoot();
        return (repository.getParent() != null ? repository.getParent() : repository).resolve("shared");
    }
}
