package io.sngw.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Unix datagram socket standing in for systemd's notification socket: {@code socat UNIX-RECV} binds it and
 * writes every datagram it receives to its output, which this class collects (datagrams back to back, so tests look
 * for the states they expect, in order).
 */
final class NotifySocket implements AutoCloseable {
    private final Process socat;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final String address;

    private NotifySocket(Process socat, String address) {
        this.socat = socat;
        this.address = address;
        Thread reader = new Thread(this::drain, "notify-socket-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Binds a socket at {@code path} and returns once it exists. */
    static NotifySocket at(Path path) {
        NotifySocket socket = start("UNIX-RECV:" + path, path.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(path)) {
            if (System.nanoTime() > deadline || !socket.socat.isAlive()) {
                socket.close();
                throw new IllegalStateException("socat did not bind " + path);
            }
            Thread.onSpinWait();
        }
        return socket;
    }

    /** Binds a socket in the abstract namespace ({@code NOTIFY_SOCKET=@name}); returns once socat has bound it. */
    static NotifySocket abstractNamed(String name) {
        NotifySocket socket = start("ABSTRACT-RECV:" + name, "@" + name);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!abstractBound(name)) {
            if (System.nanoTime() > deadline || !socket.socat.isAlive()) {
                socket.close();
                throw new IllegalStateException("socat did not bind @" + name);
            }
            Thread.onSpinWait();
        }
        return socket;
    }

    private static boolean abstractBound(String name) {
        try {
            return Files.readString(Path.of("/proc/net/unix")).contains(" @" + name);
        } catch (IOException e) {
            return false;
        }
    }

    private static NotifySocket start(String socatAddress, String notifySocketValue) {
        try {
            Process p = new ProcessBuilder("socat", "-u", socatAddress, "STDOUT")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return new NotifySocket(p, notifySocketValue);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start socat (Debian package socat)", e);
        }
    }

    /** What to put in {@code NOTIFY_SOCKET}. */
    String address() {
        return address;
    }

    /** Everything received so far, datagrams back to back. */
    synchronized String received() {
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Waits until what was received contains {@code text} at least {@code times} times; false on timeout. */
    boolean awaitReceived(String text, int times, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (count(received(), text) >= times) {
                return true;
            }
            synchronized (this) {
                wait(50);
            }
        }
        return count(received(), text) >= times;
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private void drain() {
        byte[] buffer = new byte[4096];
        try (InputStream in = socat.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (this) {
                    received.write(buffer, 0, n);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // socat ended: nothing more arrives
        }
    }

    @Override
    public void close() {
        socat.destroy();
        try {
            socat.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
