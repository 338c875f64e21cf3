package io.sngw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A pair of connected pseudo-terminals made by {@code socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B}: real
 * serial devices for tests (what is written to one end is read from the other). {@link #unplug()} ends socat, so
 * that both ends vanish as a pulled USB dongle does; {@link #replug()} makes a new pair at the same two paths.
 */
public final class VirtualSerialPair implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Path gatewayEnd;
    private final Path sensorEnd;
    private Process socat;

    private VirtualSerialPair(Path gatewayEnd, Path sensorEnd) {
        this.gatewayEnd = gatewayEnd;
        this.sensorEnd = sensorEnd;
    }

    /** Whether socat is installed. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/socat")) || Files.isExecutable(Path.of("/bin/socat"));
    }

    /** A pair whose ends are {@code dir}/{@code name}-gw and {@code dir}/{@code name}-sensor, ready to open. */
    public static VirtualSerialPair create(Path dir, String name) {
        VirtualSerialPair pair = new VirtualSerialPair(dir.resolve(name + "-gw"), dir.resolve(name + "-sensor"));
        pair.replug();
        return pair;
    }

    /** The end the gateway opens. */
    public Path gatewayEnd() {
        return gatewayEnd;
    }

    /** The end the test's sensor side opens. */
    public Path sensorEnd() {
        return sensorEnd;
    }

    /** Makes the pair (again) and waits until both paths exist. */
    public synchronized void replug() {
        if (socat != null) {
            throw new IllegalStateException("already plugged in");
        }
        try {
            socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + gatewayEnd, "pty,raw,echo=0,link=" + sensorEnd)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run socat (apt-get install socat)", e);
        }
        await(() -> Files.exists(gatewayEnd) && Files.exists(sensorEnd), "socat to create " + gatewayEnd + " and "
                + sensorEnd);
    }

    /** Ends socat: both devices vanish at once. Waits until their paths are gone. Idempotent. */
    public synchronized void unplug() {
        if (socat == null) {
            return;
        }
        socat.destroy(); // SIGTERM: socat removes its links
        try {
            if (!socat.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                socat.destroyForcibly().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            Files.deleteIfExists(gatewayEnd); // left behind only when socat had to be killed
            Files.deleteIfExists(sensorEnd);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            socat = null;
        }
    }

    @Override
    public void close() {
        unplug();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public String toString() {
        return "pty pair " + gatewayEnd + " <-> " + sensorEnd;
    }
}
