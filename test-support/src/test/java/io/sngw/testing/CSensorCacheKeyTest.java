package io.sngw.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C sensor's build cache lives in the user's home and outlives a checkout: a build is reused only for the same
 * sources at the same place with the same vectors, since CMake and ctest remember absolute paths.
 */
class CSensorCacheKeyTest {

    @TempDir
    Path dir;

    private static Path checkout(Path root, String vectors) throws Exception {
        Files.createDirectories(root.resolve("firmware/c/build-local"));
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("firmware/c/CMakeLists.txt"), "project(sensor C)\n");
        Files.writeString(root.resolve("firmware/c/build-local/CMakeCache.txt"), "in-tree build output\n");
        Files.writeString(root.resolve("docs/radio-security-vectors.txt"), vectors);
        Files.writeString(root.resolve("docs/README.md"), "not an input of the C build\n");
        return root;
    }

    private static String key(Path root) throws Exception {
        return CSensor.cacheKey(root.resolve("firmware/c"), root.resolve("docs/radio-security-vectors.txt"));
    }

    @Test
    void theSameCheckoutReusesItsBuild() throws Exception {
        Path root = checkout(dir.resolve("a"), "v1");
        String first = key(root);
        Files.writeString(root.resolve("firmware/c/build-local/CMakeCache.txt"), "rebuilt in tree\n");
        Files.writeString(root.resolve("docs/README.md"), "edited\n");
        assertEquals(first, key(root));
    }

    @Test
    void anotherCheckoutWithTheSameContentBuildsAfresh() throws Exception {
        assertNotEquals(key(checkout(dir.resolve("worktree"), "v1")), key(checkout(dir.resolve("ci/main"), "v1")));
    }

    @Test
    void changedVectorsBuildAfresh() throws Exception {
        Path root = checkout(dir.resolve("a"), "v1");
        String first = key(root);
        Files.writeString(root.resolve("docs/radio-security-vectors.txt"), "v2");
        assertNotEquals(first, key(root));
    }
}
