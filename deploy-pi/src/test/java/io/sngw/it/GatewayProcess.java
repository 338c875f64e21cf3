package io.sngw.it;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;

import io.sngw.core.store.StoredState;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.store.sqlite.StoreOptions;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as a separate JVM ({@code io.sngw.deploy.Main run --config FILE}, on this test's class path), so a test
 * can kill it the way a power cut or the OOM killer does: SIGKILL, no shutdown hook, no flush.
 */
final class GatewayProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path config;
    private final Path log;
    private final InetSocketAddress udp;
    private Process process;

    private GatewayProcess(Path config, Path log, InetSocketAddress udp) {
        this.config = config;
        this.log = log;
        this.udp = udp;
    }

    /**
     * The configuration of a gateway on {@code udp} in front of {@code brokerUrl} with its store in {@code dir}/data,
     * logging warnings only.
     */
    static String config(InetSocketAddress udp, String brokerUrl, String clientId, Path dir) {
        return "udp: { bind: \"127.0.0.1\", port: " + udp.getPort() + " }\n"
                + "upstream: { url: \"" + brokerUrl + "\", client-id: \"" + clientId + "\" }\n"
                + "store: { dir: \"" + dir.resolve("data") + "\" }\n"
                + "logging: { level: warning }\n";
    }

    /** Writes {@code yaml} to {@code dir}/gateway.yaml and starts the gateway; returns once it answers SEARCHGW. */
    static GatewayProcess start(Path dir, String yaml, InetSocketAddress udp) {
        try {
            Path config = dir.resolve("gateway.yaml");
            Files.writeString(config, yaml, StandardCharsets.UTF_8);
            GatewayProcess gateway = new GatewayProcess(config, dir.resolve("gateway.log"), udp);
            gateway.launch();
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the running gateway's store in {@code dir}/data holds, read the way the CLI does. */
    static StoredState stored(Path dir) {
        StoreOptions reader = StoreOptions.defaults().withDeviceWatch(Duration.ZERO)
                .withOnCorrupt(StoreOptions.OnCorrupt.FAIL);
        try (SqliteStore store = SqliteStore.open(dir.resolve("data"), reader)) {
            return store.load();
        }
    }

    /** The running gateway's process id. */
    long pid() {
        return process.pid();
    }

    InetSocketAddress udpAddress() {
        return udp;
    }

    /** The configuration file it was started with. */
    Path config() {
        return config;
    }

    /** Starts the same configuration again, after {@link #kill()}. */
    void restart() {
        launch();
    }

    /** SIGKILL: the JVM gets no chance to write, flush or say goodbye. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void launch() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "io.sngw.deploy.Main", "run", "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway process", e);
        }
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        byte[] searchGw = MqttSnCodec.encode(new MqttSnMessage.SearchGw(1));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(200);
            byte[] buffer = new byte[64];
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("the gateway process exited with " + process.exitValue() + ":\n" + logTail());
                }
                socket.send(new DatagramPacket(searchGw, searchGw.length, udp));
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    byte[] bytes = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                    if (MqttSnCodec.decode(bytes) instanceof DecodeResult.Decoded d
                            && d.message() instanceof MqttSnMessage.GwInfo) {
                        return;
                    }
                } catch (SocketTimeoutException notYet) {
                    // still starting
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("the gateway did not answer SEARCHGW within " + READY_TIMEOUT + ":\n" + logTail());
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
