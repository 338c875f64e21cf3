package io.sngw.sim.sessions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.sim.client.DtlsClientTransport;
import io.sngw.sim.client.DtlsCredentials;

/**
 * Session-level load for {@code bench/run}, each printing one {@code key=value} line on stdout:
 * <ul>
 *   <li>{@code sleepers HOST:PORT N}: N sensors connect, register two topics, subscribe to one, and go to sleep
 *       (DISCONNECT with a duration), 500 at a time; the gateway keeps N sessions.</li>
 *   <li>{@code storm HOST:PORT N}: N CONNECTs at once from N sockets; the time from the first to the last CONNACK.
 *       The sessions are then closed again (DISCONNECT), not timed.</li>
 *   <li>{@code first-connack HOST:PORT}: CONNECT every 10 ms until the first CONNACK; prints its wall-clock time
 *       (ms since the epoch), so a script can subtract the moment it started the gateway.</li>
 *   <li>{@code dtls-handshakes HOST:PORT SECONDS CONCURRENCY IDENTITY HEXKEY [WARMUP]}: CONCURRENCY threads, each
 *       opening a DTLS session with that PSK (the client library's {@link DtlsClientTransport}: the full handshake)
 *       and closing it again, over and over for WARMUP (not counted; default none) and then SECONDS ({@code 8},
 *       {@code 8s} or {@code 500ms}); handshakes per second.</li>
 * </ul>
 * Loopback only, bounded in count and time.
 */
public final class SessionLoad {
    private static final int SLEEP_SECONDS = 3600;
    private static final int MAX_SESSIONS = 200_000;

    private SessionLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SessionLoad sleepers|storm HOST:PORT N  |  SessionLoad first-connack HOST:PORT"
                    + "  |  SessionLoad dtls-handshakes HOST:PORT SECONDS CONCURRENCY IDENTITY HEXKEY [WARMUP]");
            System.exit(2);
        }
        InetSocketAddress gateway = loopback(args[1]);
        String tag = Long.toString(System.nanoTime() % 1_000_000, 36);
        switch (args[0]) {
            case "sleepers" -> {
                int n = count(args);
                DialogueDriver.Outcome o = new DialogueDriver(gateway, 30).run(n, 500,
                        i -> Dialogue.sleepingSensor("z" + tag + "-" + i, "sngw-bench/" + tag + "/" + i, SLEEP_SECONDS),
                        600);
                System.out.printf(Locale.ROOT, "sleepers=%d completed=%d failed=%d seconds=%.2f%n", n, o.completed(),
                        o.failed(), o.seconds());
            }
            case "storm" -> {
                int n = count(args);
                DialogueDriver.Outcome o = new DialogueDriver(gateway, 60).run(n, n,
                        i -> Dialogue.connect("s" + tag + "-" + i, 600), 60);
                System.out.printf(Locale.ROOT, "connects=%d completed=%d failed=%d seconds=%.3f%n", n, o.completed(),
                        o.failed(), o.seconds());
                // Leave nothing behind for later measurements: the same addresses say goodbye.
                new DialogueDriver(gateway, 60).run(n, 1000, i -> new Dialogue(java.util.List.of(
                        new Dialogue.Step(new Disconnect(), Disconnect.class))), 30);
            }
            case "dtls-handshakes" -> dtlsHandshakes(gateway, args);
            case "first-connack" -> System.out.println("connack_epoch_ms=" + firstConnAck(gateway, tag));
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    private static final int MAX_CONCURRENCY = 256;

    /** Full DTLS handshakes (open, close) from CONCURRENCY threads for SECONDS; started ones run to their end. */
    private static void dtlsHandshakes(InetSocketAddress gateway, String[] args) throws InterruptedException {
        if (args.length != 6 && args.length != 7) {
            throw new IllegalArgumentException(
                    "usage: dtls-handshakes HOST:PORT SECONDS CONCURRENCY IDENTITY HEXKEY [WARMUP]");
        }
        long millis = millis(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        long warmupMillis = args.length == 7 ? millis(args[6]) : 0;
        if (millis < 1 || millis > 3_600_000 || concurrency < 1 || concurrency > MAX_CONCURRENCY
                || warmupMillis < 0 || warmupMillis > 600_000) {
            throw new IllegalArgumentException("SECONDS must be up to an hour, CONCURRENCY 1.." + MAX_CONCURRENCY
                    + " and WARMUP up to 10 minutes");
        }
        DtlsCredentials psk = DtlsCredentials.psk(args[4], HexFormat.of().parseHex(args[5]));
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        // Handshakes finished during the warm-up are not counted: both sides run Bouncy Castle's handshake code
        // interpreted at first, and the figure is meant for a gateway that has been up a while.
        long start = System.nanoTime() + warmupMillis * 1_000_000;
        long deadline = start + millis * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        DtlsClientTransport.connect(gateway, psk, null, Duration.ofSeconds(5)).close();
                        if (System.nanoTime() >= start) {
                            done.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        if (failed.incrementAndGet() == 1) {
                            System.err.println("dtls-handshakes: " + e.getMessage());
                        }
                    }
                }
            }, "dtls-handshakes-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "handshakes=%d failed=%d seconds=%.3f rate=%.0f%n", done.get(), failed.get(),
                seconds, done.get() / seconds);
    }

    private static long millis(String duration) {
        if (duration.endsWith("ms")) {
            return Long.parseLong(duration.substring(0, duration.length() - 2));
        }
        return 1000 * Long.parseLong(duration.endsWith("s") ? duration.substring(0, duration.length() - 1) : duration);
    }

    /** Polls CONNECT every 10 ms (for at most 60 s) and returns when the first CONNACK arrived. */
    private static long firstConnAck(InetSocketAddress gateway, String tag) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ch.configureBlocking(false);
            ByteBuffer connect = ByteBuffer.wrap(MqttSnCodec.encode(new Connect(false, true, 60, "first-" + tag)));
            ByteBuffer in = ByteBuffer.allocate(512);
            System.err.println("first-connack: polling " + gateway);
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                ch.send(connect.rewind(), gateway);
                long until = System.nanoTime() + 10_000_000;
                while (System.nanoTime() < until) {
                    in.clear();
                    if (ch.receive(in) != null) {
                        long now = System.currentTimeMillis();
                        in.flip();
                        byte[] bytes = new byte[in.remaining()];
                        in.get(bytes);
                        if (MqttSnCodec.decode(bytes) instanceof DecodeResult.Decoded d && d.message() instanceof ConnAck) {
                            ch.send(ByteBuffer.wrap(MqttSnCodec.encode(new Disconnect())), gateway);
                            return now;
                        }
                    }
                    sleepQuietly();
                }
            }
            throw new SocketTimeoutException("no CONNACK from " + gateway + " within 60 s");
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int count(String[] args) {
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        if (n < 1 || n > MAX_SESSIONS) {
            throw new IllegalArgumentException("N must be 1.." + MAX_SESSIONS + ": " + n);
        }
        return n;
    }

    private static InetSocketAddress loopback(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, colon)),
                Integer.parseInt(hostPort.substring(colon + 1)));
        if (!a.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the gateway must be on a loopback address: " + hostPort);
        }
        return a;
    }
}
