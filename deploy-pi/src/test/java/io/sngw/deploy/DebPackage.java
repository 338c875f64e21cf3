package io.sngw.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The .deb this build packaged (deploy-pi/target/sngw_VERSION_all.deb) and what its unit says, for the package ITs. */
final class DebPackage {
    static final Path TARGET = Path.of("target").toAbsolutePath();
    static final Path UNIT_SOURCE = Path.of("src", "deb", "sngw.service").toAbsolutePath();
    private static final Pattern JAVA_OPTS = Pattern.compile("(?m)^Environment=\"SNGW_JAVA_OPTS=([^\"]*)\"$");

    private DebPackage() {
    }

    /**
     * The one package in target/. Skips the test when there is none: {@code -Dtest=…IT} runs the ITs in the test phase
     * too, before {@code package} has made it; they run for real in the integration-test phase.
     */
    static Path file() {
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("sngw_.+_all\\.deb")).toList();
            Assumptions.assumeFalse(debs.isEmpty(), "no sngw_*_all.deb in " + TARGET + " yet (before package)");
            if (debs.size() != 1) {
                throw new AssertionError("expected one sngw_*_all.deb in " + TARGET + ", found " + debs);
            }
            return debs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM flags the service runs the gateway with ({@code SNGW_JAVA_OPTS} in sngw.service). */
    static String unitJavaOpts(Path unit) {
        try {
            Matcher m = JAVA_OPTS.matcher(Files.readString(unit, StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new AssertionError("no Environment=\"SNGW_JAVA_OPTS=…\" in " + unit);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unpacks the package's files into {@code root} (no maintainer scripts). */
    static void extract(Path root) {
        Commands.run("dpkg-deb", "-x", file().toString(), root.toString()).ok();
    }
}
