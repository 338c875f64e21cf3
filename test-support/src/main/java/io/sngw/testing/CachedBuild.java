package io.sngw.testing;

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
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A native build done once per content and reused by every test JVM: in {@code cache/key}, under a file lock (so
 * that parallel JVMs building the same thing wait for each other), marked complete only when every step succeeded.
 * {@link ThirdParty} and {@link CSensor} build this way.
 */
final class CachedBuild {
    /** Why a build cannot be had here; {@code missingPrerequisite} when the machine lacks a tool, not the code. */
    static final class Unavailable extends Exception {
        final boolean missingPrerequisite;

        Unavailable(String message, boolean missingPrerequisite) {
            super(message);
            this.missingPrerequisite = missingPrerequisite;
        }
    }

    /** One command of a build, run with the build directory as working directory and its output in a log. */
    interface Step {
        List<String> command(Path directory);
    }

    private CachedBuild() {
    }

    /**
     * The build directory {@code cache/key}, running the steps first unless an earlier run completed them.
     * {@code failure} turns a failed step (its exit code and the log's last lines) into the reason to report.
     */
    static Path build(Path cache, String key, long timeoutMinutes, List<Step> steps, Failure failure)
            throws Unavailable {
        Path directory = cache.resolve(key);
        Path done = directory.resolve(".complete");
        try {
            Files.createDirectories(cache);
            try (FileChannel lockFile = FileChannel.open(cache.resolve(key + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = lockFile.lock()) { // another JVM building the same content: wait for it
                if (Files.exists(done)) {
                    return directory;
                }
                Files.createDirectories(directory);
                Path log = cache.resolve(key + ".build.log");
                Files.deleteIfExists(log);
                for (Step step : steps) {
                    List<String> command = step.command(directory);
                    Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                        p.destroyForcibly();
                        throw new Unavailable(command.get(0) + " took longer than " + timeoutMinutes
                                + " minutes; log: " + log, false);
                    }
                    if (p.exitValue() != 0) {
                        throw failure.of(command, p.exitValue(), tail(log, 3), log);
                    }
                }
                Files.writeString(done, "built by " + steps.size() + " steps\n");
                return directory;
            }
        } catch (IOException e) {
            throw new Unavailable("cannot build in " + cache + ": " + e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while building", false);
        }
    }

    /** Turns a failed build step into the reason reported. */
    interface Failure {
        Unavailable of(List<String> command, int exitCode, String logTail, Path log);
    }

    /** A digest of every regular file under {@code dir} (names and contents): new content builds afresh. */
    static String contentKey(Path dir, boolean recursive) throws Unavailable {
        return contentKey(dir, recursive, relative -> true);
    }

    /** The same over the files whose path relative to {@code dir} passes {@code include}. */
    static String contentKey(Path dir, boolean recursive, Predicate<Path> include) throws Unavailable {
        try (Stream<Path> files = recursive ? Files.walk(dir) : Files.list(dir)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(Files::isRegularFile).filter(f -> include.test(dir.relativize(f))).sorted()
                    .toList()) {
                digest.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException | UncheckedIOException e) {
            throw new Unavailable("cannot read " + dir + ": " + e, true);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One key for several inputs (content keys, absolute paths): any of them changing builds afresh. */
    static String combinedKey(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The repository: the topmost directory above the working directory that holds a {@code pom.xml}. */
    static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path root = null;
        for (Path d = dir; d != null && Files.isRegularFile(d.resolve("pom.xml")); d = d.getParent()) {
            root = d;
        }
        return root != null ? root : dir;
    }

    /** {@code -Dproperty=DIR}, else {@code ~/.cache/name}. */
    static Path cacheDirectory(String property, String name) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", name);
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }
}
