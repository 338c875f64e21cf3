package io.sngw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Mosquitto process on a free loopback port, for tests and benchmarks. Never touches the system service:
 * it runs {@code mosquitto -c <temp config>} with its own temporary directory (config, log, stdout/stderr).
 *
 * <p>The config: {@code listener PORT 127.0.0.1}, {@code allow_anonymous true}, {@code max_queued_messages 0} and
 * {@code max_inflight_messages 0} (no limits: Mosquitto's default of 1000 silently drops QoS 1/2 messages for a
 * subscriber that falls behind), {@code persistence false}, logging to {@link #logFile()}.
 *
 * <p>The executable is {@code /usr/sbin/mosquitto}, or {@code mosquitto} on the PATH, or the system property
 * {@code sngw.mosquitto}. Not thread-safe: drive one broker from one test thread.
 */
public final class MosquittoBroker implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final Path config;
    private final Path log;
    private final Path output;
    private final Thread killOnExit;
    private final List<String> extraConfig;
    private final Tls tls;
    private int port;
    private int tlsPort;
    private Process process;
    private boolean closed;

    /**
     * A second listener with TLS on its own free loopback port, beside the plain one (which stays for probes).
     *
     * @param caFile             CA certificate(s) client certificates must chain to ({@code cafile})
     * @param certFile           the broker's certificate ({@code certfile})
     * @param keyFile            its private key ({@code keyfile})
     * @param requireCertificate {@code require_certificate}: mutual TLS
     */
    public record Tls(Path caFile, Path certFile, Path keyFile, boolean requireCertificate) {
    }

    private MosquittoBroker(Path dir, List<String> extraConfig, Tls tls) {
        this.extraConfig = List.copyOf(extraConfig);
        this.tls = tls;
        this.dir = dir;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        this.output = dir.resolve("mosquitto.out");
        this.killOnExit = new Thread(this::killQuietly, "mosquitto-kill-on-exit");
    }

    /** Starts a broker on a free loopback port and waits until it accepts TCP connections. */
    public static MosquittoBroker start() {
        return start(List.of());
    }

    /** As {@link #start()}, with extra lines appended to the config (for example {@code max_qos 1}). */
    public static MosquittoBroker start(List<String> extraConfigLines) {
        return start(extraConfigLines, null);
    }

    /** As {@link #start(List)}, with a TLS listener as well (see {@link #tlsPort()}); {@code tls} null for none. */
    public static MosquittoBroker start(List<String> extraConfigLines, Tls tls) {
        Path dir;
        try {
            dir = Files.createTempDirectory("sngw-mosquitto-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Mosquitto", e);
        }
        MosquittoBroker broker = new MosquittoBroker(dir, extraConfigLines, tls);
        try {
            IllegalStateException last = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                broker.port = FreePorts.tcp();
                broker.tlsPort = tls == null ? 0 : FreePorts.tcp();
                try {
                    broker.launch();
                    Runtime.getRuntime().addShutdownHook(broker.killOnExit);
                    return broker;
                } catch (PortTakenException e) {
                    last = e; // someone took the port between FreePorts.tcp() and the bind: pick another
                }
            }
            throw last;
        } catch (RuntimeException e) {
            broker.deleteDir();
            throw e;
        }
    }

    /** The TLS listener's port; 0 when started without one. */
    public int tlsPort() {
        return tlsPort;
    }

    /** {@code ssl://127.0.0.1:TLSPORT}. */
    public String tlsUrl() {
        if (tls == null) {
            throw new IllegalStateException("this broker has no TLS listener");
        }
        return "ssl://127.0.0.1:" + tlsPort;
    }

    /** The directory of the broker's config and logs, for files a test adds (a password file). */
    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:PORT}. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The broker's log file (appended to across restarts). */
    public Path logFile() {
        return log;
    }

    /** The last {@code lines} lines of the broker's log and of its stdout/stderr. */
    public String logTail(int lines) {
        return tail(log, lines) + tail(output, lines);
    }

    /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Idempotent. */
    public void stop() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes the broker (SIGSTOP): connections stay open but nothing is answered, until {@link #resume()}. */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause() paused} broker run again (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (process == null) {
            throw new IllegalStateException("broker is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling Mosquitto", e);
        }
    }

    /** Starts the broker again on the SAME port (stopping it first if it runs): for outage tests. */
    public void restart() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        stop();
        PortTakenException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                launch();
                return;
            } catch (PortTakenException e) {
                last = e;
                sleep(200);
            }
        }
        throw last;
    }

    /** Stops the broker and deletes its temporary directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // JVM shutting down, or the hook was never added
        }
        deleteDir();
    }

    @Override
    public String toString() {
        return "MosquittoBroker[" + url() + (isRunning() ? ", running" : ", stopped") + "]";
    }

    private void launch() {
        writeConfig();
        ProcessBuilder builder = new ProcessBuilder(executable(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + executable() + " (is the mosquitto package installed?)", e);
        }
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                int code = process.exitValue();
                process = null;
                String tail = logTail(20);
                String message = "Mosquitto exited with code " + code + " while starting on port " + port
                        + "; log tail:\n" + tail;
                if (tail.contains("Address already in use")) {
                    throw new PortTakenException(message);
                }
                throw new IllegalStateException(message);
            }
            if (accepts()) {
                return;
            }
            sleep(20);
        }
        killQuietly();
        process = null;
        throw new IllegalStateException("Mosquitto did not accept connections on 127.0.0.1:" + port + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s; log tail:\n" + logTail(20));
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void writeConfig() {
        List<String> lines = new ArrayList<>(List.of(
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "max_queued_messages 0",
                "max_inflight_messages 0",
                "persistence false",
                "log_dest file " + log,
                "log_type error",
                "log_type warning",
                "log_type notice",
                "log_type information",
                "connection_messages true",
                "log_timestamp true"));
        if (tls != null) {
            lines.add("listener " + tlsPort + " 127.0.0.1");
            lines.add("cafile " + tls.caFile());
            lines.add("certfile " + tls.certFile());
            lines.add("keyfile " + tls.keyFile());
            lines.add("require_certificate " + tls.requireCertificate());
        }
        if ("root".equals(System.getProperty("user.name"))) {
            // Mosquitto started as root drops to the "mosquitto" user, which cannot write our temp dir: stay root.
            lines.add("user root");
        }
        lines.addAll(extraConfig);
        try {
            Files.write(config, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
    }

    private static String executable() {
        String configured = System.getProperty("sngw.mosquitto");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path sbin = Paths.get("/usr/sbin/mosquitto");
        return Files.isExecutable(sbin) ? sbin.toString() : "mosquitto";
    }

    private void killQuietly() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    private void deleteDir() {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is a temp dir
        }
    }

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()))
                    + (all.isEmpty() ? "" : "\n");
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Mosquitto", e);
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
