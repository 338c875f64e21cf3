package io.sngw.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command line to completion for tests: its exit code and what it printed (stdout and stderr apart). */
record Commands(int exitCode, String out, String err) {

    static Commands run(String... command) {
        return run(Map.of(), List.of(command));
    }

    static Commands run(Map<String, String> env, List<String> command) {
        try {
            File out = File.createTempFile("cmd", ".out");
            File err = File.createTempFile("cmd", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().putAll(env);
                Process p = builder.start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("did not finish in 120 s: " + command);
                }
                return new Commands(p.exitValue(), java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8),
                        java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8));
            } finally {
                out.delete();
                err.delete();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Whether {@code name} is a command on the PATH. */
    static boolean exists(String name) {
        return run("sh", "-c", "command -v " + name).exitCode() == 0;
    }

    /** This result, asserted successful. */
    Commands ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit code " + exitCode + "\nstdout: " + out + "\nstderr: " + err);
        }
        return this;
    }
}
