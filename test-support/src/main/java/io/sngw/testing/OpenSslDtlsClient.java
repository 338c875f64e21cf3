package io.sngw.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code openssl s_client -dtls1_2} (Debian's OpenSSL 3.0) as a real, independent DTLS 1.2 client: what it prints
 * is collected, bytes written to it go out as application data (one record per write), application data it receives
 * appears in its output. {@code -ign_eof} keeps it connected; {@link #close()} ends the process.
 */
public final class OpenSslDtlsClient implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Thread reader;

    private OpenSslDtlsClient(List<String> command) {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        reader = new Thread(this::readOutput, "openssl-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Whether an openssl binary with DTLS and PSK support is on the PATH. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A PSK client; {@code cipher} in OpenSSL's naming, e.g. PSK-AES128-CCM8 or PSK-AES128-GCM-SHA256. */
    public static OpenSslDtlsClient psk(InetSocketAddress server, String identity, byte[] key, String cipher) {
        List<String> command = base(server);
        command.addAll(List.of("-psk", HexFormat.of().formatHex(key), "-psk_identity", identity, "-cipher", cipher));
        return new OpenSslDtlsClient(command);
    }

    /** A certificate client verifying the gateway against {@code caFile}; {@code cert}/{@code key} null for none. */
    public static OpenSslDtlsClient certificate(InetSocketAddress server, Path caFile, Path cert, Path key,
                                                String cipher) {
        List<String> command = base(server);
        command.addAll(List.of("-CAfile", caFile.toString(), "-verify_return_error", "-cipher", cipher));
        if (cert != null) {
            command.addAll(List.of("-cert", cert.toString(), "-key", key.toString()));
        }
        return new OpenSslDtlsClient(command);
    }

    private static List<String> base(InetSocketAddress server) {
        return new ArrayList<>(List.of("openssl", "s_client", "-dtls1_2", "-ign_eof", "-connect",
                server.getAddress().getHostAddress() + ":" + server.getPort()));
    }

    private void readOutput() {
        byte[] buffer = new byte[4096];
        try (InputStream in = process.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                synchronized (output) {
                    output.write(buffer, 0, n);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Everything printed so far, as ISO-8859-1 so that binary application data survives one to one. */
    public String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Waits until the output contains {@code text}; false when it does not within {@code timeout}. */
    public boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (!output.toString(StandardCharsets.ISO_8859_1).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(output, left);
            }
            return true;
        }
    }

    /** Waits until the output contains these bytes. */
    public boolean awaitBytes(byte[] bytes, Duration timeout) throws InterruptedException {
        return awaitOutput(new String(bytes, StandardCharsets.ISO_8859_1), timeout);
    }

    /** The handshake completed: s_client printed the session summary, which ends with its last "---" line. */
    public boolean awaitHandshake(Duration timeout) throws InterruptedException {
        return awaitOutput("SSL-Session:", timeout) && awaitOutput("\n---\n", timeout)
                && awaitCondition(() -> output().indexOf("\n---\n", output().indexOf("SSL-Session:")) > 0, timeout);
    }

    /** The cipher s_client reports as negotiated, e.g. PSK-AES128-CCM8; null before the handshake completed. */
    public String cipher() {
        String out = output();
        int at = out.indexOf("Cipher is ");
        if (at < 0) {
            return null;
        }
        int end = out.indexOf('\n', at);
        return out.substring(at + "Cipher is ".length(), end < 0 ? out.length() : end).strip();
    }

    private boolean awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(output, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        }
    }

    /** Sends bytes as one application data record. */
    public void write(byte[] bytes) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(bytes);
        in.flush();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; false when it is still running after {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(2000);
    }
}
