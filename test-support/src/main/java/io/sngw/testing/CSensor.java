package io.sngw.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The C reference sensor ({@code firmware/c/}: the radio-security library on mbedTLS and its {@code sngw-sensor}
 * command-line demo), built with CMake and the system's C compiler against Debian's {@code libmbedtls-dev}: once per
 * content of {@code firmware/c/}, into a cache directory shared by every test JVM, and reused from then on.
 *
 * <p>{@code firmware/c/} is found in the repository (the topmost directory above the working directory that holds a
 * {@code pom.xml}); {@code -Dsngw.csensor.cache=DIR} overrides the cache ({@code ~/.cache/sngw-csensor}).
 *
 * <p>Where the machine lacks what the build needs (cmake, a C compiler, the mbedTLS headers) {@link #binary} aborts
 * the calling test with a JUnit assumption that says why: such tests are skipped, never passed. A build that fails
 * with all of those present is our code's fault: it fails the test instead.
 */
public final class CSensor {
    private static final long BUILD_TIMEOUT_MINUTES = 10;
    /** Per JVM: the build directory, or why there is none (so that a failed build is tried once). */
    private static Path built;
    private static CachedBuild.Unavailable unavailable;

    private CSensor() {
    }

    /** The {@code sngw-sensor} demo executable, building it first if needed. */
    public static Path binary() {
        return buildDirectory().resolve("sngw-sensor");
    }

    /**
     * The CMake build directory ({@code ctest} runs there), building first if needed; aborts the test (skipped, with
     * the reason) when the machine cannot build C code against mbedTLS, fails it when the build itself fails.
     */
    public static synchronized Path buildDirectory() {
        if (built == null && unavailable == null) {
            try {
                built = build();
            } catch (CachedBuild.Unavailable e) {
                unavailable = e;
            }
        }
        if (unavailable != null && !unavailable.missingPrerequisite) {
            throw new IllegalStateException("firmware/c does not build: " + unavailable.getMessage());
        }
        Assumptions.assumeTrue(built != null, () -> "the C sensor cannot be built here, test skipped: "
                + unavailable.getMessage());
        return built;
    }

    /** The sources: {@code firmware/c/} in the repository. */
    public static Path sourceDirectory() {
        return CachedBuild.repositoryRoot().resolve("firmware/c");
    }

    private static Path build() throws CachedBuild.Unavailable {
        Path source = sourceDirectory();
        if (!Files.isRegularFile(source.resolve("CMakeLists.txt"))) {
            throw new CachedBuild.Unavailable("no " + source.resolve("CMakeLists.txt"), true);
        }
        if (!onPath("cmake")) {
            throw new CachedBuild.Unavailable("no cmake on the PATH (apt-get install cmake gcc libmbedtls-dev)", true);
        }
        String key = cacheKey(source, CachedBuild.repositoryRoot().resolve("docs/radio-security-vectors.txt"));
        return CachedBuild.build(CachedBuild.cacheDirectory("sngw.csensor.cache", "sngw-csensor"), key,
                BUILD_TIMEOUT_MINUTES,
                List.of(dir -> List.of("cmake", "-S", source.toString(), "-B", dir.toString(),
                                "-DCMAKE_BUILD_TYPE=RelWithDebInfo"),
                        dir -> List.of("cmake", "--build", dir.toString(), "-j", "2")),
                CSensor::failure);
    }

    /**
     * What a cached build depends on. CMake binds a build directory to the absolute path of its sources, and ctest
     * reads the vectors from {@code docs/}: a build from another checkout with the same content is not reusable
     * (its tests would look for files in that checkout). An in-tree build directory ({@code firmware/c/build*}) is
     * not source.
     */
    static String cacheKey(Path source, Path vectors) throws CachedBuild.Unavailable {
        return CachedBuild.combinedKey(
                CachedBuild.contentKey(source, true, relative -> !relative.getName(0).toString().startsWith("build")),
                source.toAbsolutePath().normalize().toString(),
                CachedBuild.contentKey(vectors.getParent(), false, relative -> relative.equals(vectors.getFileName())));
    }

    /** Missing mbedTLS or compiler: the machine's lack (skip); anything else: the code's fault (fail). */
    private static CachedBuild.Unavailable failure(List<String> command, int exit, String tail, Path log) {
        String text = tail + " " + CachedBuild.tail(log, 40);
        boolean prerequisite = text.contains("mbedTLS not found") || text.contains("No CMAKE_C_COMPILER")
                || text.contains("CMAKE_C_COMPILER not set");
        return new CachedBuild.Unavailable(String.join(" ", command) + " failed (exit " + exit + (prerequisite
                ? "; it needs gcc cmake libmbedtls-dev" : "") + "): " + tail + " (full log: " + log + ")",
                prerequisite);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
