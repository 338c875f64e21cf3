package io.sngw.sim.sessions;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Many simulated sensors on one thread: each has its own UDP socket (non-blocking, one selector for all) and walks
 * through its {@link Dialogue}; at most {@code concurrency} talk at once, and a sensor that is done closes its socket
 * and makes room for the next. A request without an accepted answer is sent again after {@value #RESEND_MILLIS} ms,
 * at most {@value #MAX_SENDS} times, as a sensor on a lossy radio would.
 *
 * <p>Each sensor binds its own loopback address (127.B.x.y, B from {@code addressBase}, distinct per sensor): a closed socket's port is reused by
 * the kernel, and the gateway would take a new client at a known address for the old one's replacement.
 */
final class DialogueDriver {
    static final long RESEND_MILLIS = 500;
    static final int MAX_SENDS = 10;

    /** What a run did: sensors through their whole dialogue, failed ones, and when the last answer came. */
    record Outcome(int completed, int failed, long startNanos, long lastAnswerNanos) {
        double seconds() {
            return (lastAnswerNanos - startNanos) / 1e9;
        }
    }

    private final InetSocketAddress gateway;
    private final int addressBase;

    /** {@code addressBase}: second octet of the sensors' loopback addresses (10..120); one per kind of run. */
    DialogueDriver(InetSocketAddress gateway, int addressBase) {
        this.gateway = gateway;
        this.addressBase = addressBase;
    }

    private final class Sensor {
        final Dialogue dialogue;
        final DatagramChannel channel;
        int step;
        int sends;
        long sentNanos;

        Sensor(Dialogue dialogue, DatagramChannel channel) {
            this.dialogue = dialogue;
            this.channel = channel;
        }

        void send() throws IOException {
            sends++;
            sentNanos = System.nanoTime();
            channel.write(ByteBuffer.wrap(dialogue.steps().get(step).request()));
        }
    }

    /** Runs {@code count} dialogues, {@code concurrency} at a time; bounded by {@code timeoutSeconds}. */
    Outcome run(int count, int concurrency, IntFunction<Dialogue> dialogues, long timeoutSeconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long start = 0; // the first request sent: opening sockets is the generator's cost, not the gateway's
        long lastAnswer = 0;
        int next = 0;
        int completed = 0;
        int failed = 0;
        ByteBuffer in = ByteBuffer.allocate(2048);
        ArrayDeque<Sensor> active = new ArrayDeque<>();
        try (Selector selector = Selector.open()) {
            while ((next < count || !active.isEmpty()) && System.nanoTime() - deadline < 0) {
                while (next < count && active.size() < concurrency) {
                    Sensor s = new Sensor(dialogues.apply(next), open(next));
                    next++;
                    s.channel.register(selector, SelectionKey.OP_READ, s);
                    if (start == 0) {
                        start = System.nanoTime();
                        lastAnswer = start;
                    }
                    s.send();
                    active.add(s);
                }
                selector.select(20);
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Sensor s = (Sensor) key.attachment();
                    in.clear();
                    while (s.channel.isOpen() && s.channel.receive(in) != null) {
                        in.flip();
                        byte[] bytes = new byte[in.remaining()];
                        in.get(bytes);
                        in.clear();
                        if (MqttSnCodec.decode(bytes) instanceof DecodeResult.Decoded d
                                && s.dialogue.steps().get(s.step).accepts(d.message())) {
                            lastAnswer = System.nanoTime();
                            if (++s.step == s.dialogue.steps().size()) {
                                completed++;
                                s.channel.close();
                            } else {
                                s.sends = 0;
                                s.send();
                            }
                        }
                    }
                }
                long now = System.nanoTime();
                for (Iterator<Sensor> it = active.iterator(); it.hasNext(); ) {
                    Sensor s = it.next();
                    if (!s.channel.isOpen()) {
                        it.remove();
                    } else if (now - s.sentNanos > TimeUnit.MILLISECONDS.toNanos(RESEND_MILLIS)) {
                        if (s.sends >= MAX_SENDS) {
                            failed++;
                            s.channel.close();
                            it.remove();
                        } else {
                            s.send();
                        }
                    }
                }
            }
        } finally {
            for (Sensor s : active) {
                s.channel.close();
            }
        }
        failed += count - completed - failed;
        return new Outcome(completed, failed, start, lastAnswer);
    }

    private DatagramChannel open(int index) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            // Last octet 1..254: the kernel refuses to bind x.y.z.255 (and .0 is easily mistaken for a network).
            int host = 1 + index % 254;
            int rest = index / 254;
            ch.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[]{
                    127, (byte) (addressBase + (rest >>> 8)), (byte) rest, (byte) host}), 0));
            ch.connect(gateway);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }
}
