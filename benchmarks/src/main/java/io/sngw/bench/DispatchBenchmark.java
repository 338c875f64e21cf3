package io.sngw.bench;

import io.sngw.core.Gateway;
import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The whole inbound path through the public API: a datagram handed to {@link Gateway#onReceive} (on the benchmark
 * thread, as the UDP thread would), decoded, posted to the owning session's loop, and published to a no-op
 * {@link Upstream}; for QoS 1 also the broker's completion back on the session loop and the PUBACK handed to a
 * no-op {@link Link}. Each invocation sends one window (10 publishes) from each of {@value #SENSORS} connected
 * sensors and waits until all of them came out the other end, so the figure is the cost per message including the
 * thread hops, not just the cost of queueing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DispatchBenchmark {
    static final int SENSORS = 100;
    static final int WINDOW = 10;
    static final int BATCH = SENSORS * WINDOW;

    @Param({"0", "1"})
    int qos;

    private Gateway gateway;
    private final CountingLink link = new CountingLink();
    private final CountingUpstream upstream = new CountingUpstream();
    private final LinkAddress[] sensors = new LinkAddress[SENSORS];
    private final byte[][][] publishes = new byte[SENSORS][WINDOW][];

    /** A sensor's address: opaque to the core, a value with equals and hashCode. */
    record SensorAddress(int port) implements LinkAddress {
    }

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        gateway = new Gateway(GatewayOptions.defaults().withSessionLoops(2), upstream);
        gateway.start();
        for (int i = 0; i < SENSORS; i++) {
            sensors[i] = new SensorAddress(10_000 + i);
            link.expect(sensors[i]);
            gateway.onReceive(link, sensors[i], MqttSnCodec.encode(new Connect(false, true, 3600, "bench-" + i)));
            link.awaitReply(sensors[i]);
            link.expect(sensors[i]);
            gateway.onReceive(link, sensors[i], MqttSnCodec.encode(new Register(0, 1, "bench/sensor/" + i)));
            int topicId = ((RegAck) link.awaitReply(sensors[i])).topicId();
            for (int w = 0; w < WINDOW; w++) {
                publishes[i][w] = MqttSnCodec.encode(new Publish(false, qos, false, new TopicRef.Registered(topicId),
                        qos == 0 ? 0 : w + 1, new byte[32]));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gateway.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void publishWindowFromEverySensor() {
        // QoS 0 ends at the upstream; QoS 1 ends with the PUBACK handed to the link (after the upstream completed).
        AtomicLong done = qos == 0 ? upstream.published : link.sent;
        long target = done.get() + BATCH;
        for (int w = 0; w < WINDOW; w++) {
            for (int i = 0; i < SENSORS; i++) {
                gateway.onReceive(link, sensors[i], publishes[i][w]);
            }
        }
        while (done.get() < target) {
            // Not a busy spin: on a 2-core machine it would take a core from the loops being measured.
            LockSupport.parkNanos(10_000);
        }
    }

    /** Accepts every publish at once, as a broker on an infinitely fast link would. */
    static final class CountingUpstream implements Upstream {
        final AtomicLong published = new AtomicLong();
        private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

        @Override
        public void start(UpstreamListener listener) {
            listener.onConnectionChanged(true);
        }

        @Override
        public CompletableFuture<Void> publish(UpstreamMessage message) {
            published.incrementAndGet();
            return DONE;
        }

        @Override
        public CompletableFuture<Integer> subscribe(String filter, int qos) {
            return CompletableFuture.completedFuture(qos);
        }

        @Override
        public void restoreSubscription(String filter, int qos) {
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String filter) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Counts what the gateway sends; during set-up it also hands the answers to a sensor back to the benchmark. */
    static final class CountingLink implements Link {
        final AtomicLong sent = new AtomicLong();
        private final Map<LinkAddress, CompletableFuture<MqttSnMessage>> replies = new ConcurrentHashMap<>();

        void expect(LinkAddress from) {
            replies.put(from, new CompletableFuture<>());
        }

        MqttSnMessage awaitReply(LinkAddress from) throws InterruptedException {
            try {
                return replies.get(from).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("no answer from the gateway to " + from, e);
            } finally {
                replies.remove(from);
            }
        }

        @Override
        public String name() {
            return "bench";
        }

        @Override
        public void send(LinkAddress to, byte[] message) {
            sent.incrementAndGet();
            CompletableFuture<MqttSnMessage> waiting = replies.get(to);
            if (waiting != null && !waiting.isDone()) {
                waiting.complete(((DecodeResult.Decoded) MqttSnCodec.decode(message)).message());
            }
        }

        @Override
        public void broadcast(byte[] message) {
        }
    }
}
