package io.sngw.bridge.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a free loopback port to a target port, which can turn into a black hole: both directions stop being
 * forwarded while the sockets stay open, as when a NAT entry times out or a cable is pulled. For half-open tests.
 */
final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackHole;
    /** While set, what the client sends is not read: the target has stopped reading, and TCP's buffers fill up. */
    private boolean upstreamPaused;

    TcpRelay(int target) {
        this.target = target;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accept = new Thread(this::accept, "tcp-relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on nothing passes either way, and nothing is closed. */
    void blackHole() {
        blackHole = true;
    }

    /** From now on what the client sends stays unread (in the sockets' buffers) until {@link #resumeUpstream}. */
    synchronized void pauseUpstream() {
        upstreamPaused = true;
    }

    synchronized void resumeUpstream() {
        upstreamPaused = false;
        notifyAll();
    }

    private synchronized void awaitUpstream() throws InterruptedException {
        while (upstreamPaused) {
            wait();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket();
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                sockets.add(in);
                sockets.add(out);
                pump(in, out, true);
                pump(out, in, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream input = from.getInputStream(); OutputStream output = to.getOutputStream()) {
                while (true) {
                    if (upstream) {
                        awaitUpstream();
                    }
                    int n = input.read(buffer);
                    if (n <= 0) {
                        break;
                    }
                    if (!blackHole) {
                        output.write(buffer, 0, n);
                        output.flush();
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // closed
            }
        }, "tcp-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
