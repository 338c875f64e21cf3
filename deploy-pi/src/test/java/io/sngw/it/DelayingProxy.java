package io.sngw.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A slow broker for tests: a TCP relay on an ephemeral loopback port in front of a real one, which holds everything
 * the broker sends (its acknowledgements) for a fixed delay, as a slow uplink would. What the client sends passes at
 * once.
 */
final class DelayingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private record Chunk(byte[] bytes, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Chunk) o).dueNanos);
        }
    }

    DelayingProxy(String brokerUrl, Duration delay) throws IOException {
        String hostPort = brokerUrl.substring(brokerUrl.indexOf("://") + 3);
        int colon = hostPort.lastIndexOf(':');
        this.target = new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        this.delayNanos = delay.toNanos();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "proxy-accept");
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = server.accept();
                Socket broker = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(broker);
                daemon(() -> copy(client, broker), "proxy-up");
                DelayQueue<Chunk> held = new DelayQueue<>();
                daemon(() -> hold(broker, held), "proxy-down-read");
                daemon(() -> release(held, client), "proxy-down-write");
            }
        } catch (IOException closed) {
            // the proxy was closed
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException gone) {
            // either side closed
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    private void hold(Socket from, DelayQueue<Chunk> held) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                held.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
            }
        } catch (IOException gone) {
            // closed
        }
        held.add(new Chunk(new byte[0], System.nanoTime() + delayNanos));
    }

    private static void release(DelayQueue<Chunk> held, Socket to) {
        try (OutputStream out = to.getOutputStream()) {
            while (true) {
                Chunk c = held.take();
                if (c.bytes.length == 0) {
                    break;
                }
                out.write(c.bytes);
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // closed
        }
        closeQuietly(to);
    }

    private static void daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(DelayingProxy::closeQuietly);
    }
}
