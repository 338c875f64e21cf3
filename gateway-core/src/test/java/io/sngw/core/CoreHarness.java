package io.sngw.core;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.security.AccessPolicy;
import io.sngw.core.store.NoStore;
import io.sngw.core.store.Store;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.FreshQos0Upstream;
import io.sngw.core.upstream.SensorConnection;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway core with nothing real around it: a link and an upstream that are in-memory fakes at the port
 * boundary, and {@link VirtualTime}, so that a test says "30 seconds pass" and they have passed, at once. Everything
 * runs on the test's thread: after each step the harness runs what the step posted, so a test reads as a script of
 * messages in and messages out.
 */
final class CoreHarness implements AutoCloseable {
    final VirtualTime time = new VirtualTime();
    final FakeUpstream broker = new FakeUpstream();
    final FakeLink link = new FakeLink();
    final Gateway gateway;

    CoreHarness(GatewayOptions options) {
        this(options, NoStore.INSTANCE);
    }

    CoreHarness(GatewayOptions options, Store store) {
        this(options, store, null);
    }

    /**
     * {@code qos0MaxAge} not null: {@link FreshQos0Upstream} stands between the core and the broker, as in the app, and
     * the broker drops a QoS 0 publish stale by the virtual time it is handed over, as the real bridge does at its
     * write.
     */
    CoreHarness(GatewayOptions options, Store store, Duration qos0MaxAge) {
        broker.clock = time::nanoTime;
        Upstream upstream = qos0MaxAge == null ? broker : new FreshQos0Upstream(broker, qos0MaxAge);
        gateway = new Gateway(options, upstream, store, AccessPolicy.open(), time);
        gateway.attach(link);
        time.runningPostsAtOnce(() -> gateway.restore(store.load()));
        gateway.start();
        time.settle();
    }

    /** A sensor at its own address on the link. */
    SensorEnd sensor(String address) {
        return new SensorEnd(new Address(address));
    }

    /** Lets {@code duration} of time pass, with every timer due in it firing at its instant. */
    void advance(Duration duration) {
        time.advance(duration);
    }

    /** The broker sends the gateway a message, as through a subscription. */
    void brokerPublishes(String topic, String payload, int qos) {
        broker.listener.onMessage(new UpstreamMessage(topic, payload.getBytes(), qos, false), () -> { });
        time.settle();
    }

    /** The broker acknowledges the oldest publish it held ({@code failure} null), or the connection fails it. */
    void brokerAnswers(Throwable failure) {
        CompletableFuture<Void> ack = broker.heldAcks.poll();
        assertNotNull(ack, "no publish waits for the broker");
        if (failure == null) {
            ack.complete(null);
        } else {
            ack.completeExceptionally(failure);
        }
        time.settle();
    }

    /** The broker sends a retained message, as it does to a new subscription. */
    void brokerPublishesRetained(String topic, String payload, int qos) {
        broker.listener.onMessage(new UpstreamMessage(topic, payload.getBytes(), qos, true), () -> { });
        time.settle();
    }

    @Override
    public void close() {
        gateway.close();
    }

    /** An address on the fake link; only its name matters. */
    record Address(String name) implements LinkAddress {
    }

    /** One sensor: what it sends goes through the gateway's real decoding; what the gateway sends it, it reads. */
    final class SensorEnd {
        final Address address;

        SensorEnd(Address address) {
            this.address = address;
        }

        void send(MqttSnMessage message) {
            sendBytes(MqttSnCodec.encode(message));
        }

        /** A datagram as it is, malformed or not. */
        void sendBytes(byte[] datagram) {
            arrives(datagram);
            time.settle();
        }

        /** The link hands the gateway this message; what that posts to the session's loop has not run yet. */
        void arrives(MqttSnMessage message) {
            arrives(MqttSnCodec.encode(message));
        }

        private void arrives(byte[] datagram) {
            gateway.onReceive(link, address, datagram);
        }

        /** The next message the gateway sent this sensor, or null when there is none. */
        MqttSnMessage next() {
            byte[] bytes = link.inbox(address).poll();
            if (bytes == null) {
                return null;
            }
            DecodeResult result = MqttSnCodec.decode(bytes);
            assertTrue(result instanceof DecodeResult.Decoded, "the gateway sent a malformed message: " + result);
            return ((DecodeResult.Decoded) result).message();
        }

        void expect(MqttSnMessage expected) {
            assertEquals(expected, next());
        }

        <T extends MqttSnMessage> T expect(Class<T> type) {
            MqttSnMessage message = next();
            assertNotNull(message, "expected " + type.getSimpleName() + ", got nothing");
            assertEquals(type, message.getClass(), "expected " + type.getSimpleName() + ", got " + message);
            return type.cast(message);
        }

        void expectNothing() {
            assertEquals(null, next());
        }
    }

    /** The link: what the gateway sends, by address, in order. */
    static final class FakeLink implements Link {
        private final Map<LinkAddress, Queue<byte[]>> sent = new HashMap<>();

        @Override
        public String name() {
            return "fake:0";
        }

        @Override
        public void send(LinkAddress to, byte[] message) {
            inbox(to).add(message);
        }

        @Override
        public void broadcast(byte[] message) {
        }

        Queue<byte[]> inbox(LinkAddress address) {
            return sent.computeIfAbsent(address, a -> new ArrayDeque<>());
        }

        /** Restorable addresses, so that sessions survive a restart of the core (a second harness on one store). */
        @Override
        public byte[] persistentForm(LinkAddress address) {
            return ((Address) address).name().getBytes();
        }

        @Override
        public LinkAddress fromPersistentForm(byte[] form) {
            return new Address(new String(form));
        }
    }

    /**
     * The broker: acknowledges every publish at once (or, with {@link #holdAcks}, when the test says), grants every
     * subscription, records what it got.
     */
    static final class FakeUpstream implements Upstream {
        final List<UpstreamMessage> published = new ArrayList<>();
        final List<String> subscribed = new ArrayList<>();
        /** Acknowledgements not given yet, in publish order, while {@link #holdAcks} is set. */
        final Queue<CompletableFuture<Void>> heldAcks = new ArrayDeque<>();
        boolean holdAcks;
        UpstreamListener listener;
        /** The per-sensor hooks as called: "connected id", "asleep id", "awake id", "disconnected id lost=…". */
        final List<String> lifecycle = new ArrayList<>();
        /** Refuse every sensor's connection, as a transparent upstream out of connections does. */
        boolean refuseSensors;
        /** The broker publishes a lost sensor's will itself (from the sensor's own connection). */
        boolean willsAtBroker;
        /** What {@link #sensorAwake} answers: complete, unless the test fetches kept messages in its own time. */
        CompletableFuture<Void> wake = CompletableFuture.completedFuture(null);
        /** QoS 0 publishes past their deadline when handed over: dropped, as the bridge drops them, never published. */
        final List<UpstreamMessage> droppedStale = new ArrayList<>();
        LongSupplier clock = System::nanoTime;

        @Override
        public boolean sensorConnected(SensorConnection connection) {
            lifecycle.add("connected " + connection.client().clientId());
            return !refuseSensors;
        }

        @Override
        public void sensorAsleep(ClientRef client) {
            lifecycle.add("asleep " + client.clientId());
        }

        @Override
        public CompletableFuture<Void> sensorAwake(ClientRef client) {
            lifecycle.add("awake " + client.clientId());
            return wake;
        }

        @Override
        public boolean sensorDisconnected(ClientRef client, boolean lost) {
            lifecycle.add("disconnected " + client.clientId() + " lost=" + lost);
            return lost && willsAtBroker;
        }

        @Override
        public void start(UpstreamListener listener) {
            this.listener = listener;
        }

        @Override
        public CompletableFuture<Void> publish(UpstreamMessage message) {
            if (message.qos() == 0 && message.staleBy(clock.getAsLong())) {
                droppedStale.add(message);
                return CompletableFuture.failedFuture(new UpstreamUnavailableException("stale"));
            }
            published.add(message);
            if (holdAcks) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                heldAcks.add(ack);
                return ack;
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Integer> subscribe(String filter, int qos) {
            subscribed.add(filter);
            return CompletableFuture.completedFuture(qos);
        }

        @Override
        public void restoreSubscription(String filter, int qos) {
            subscribed.add(filter);
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

        /** Payloads published to {@code topic}, in order. */
        List<String> payloadsOn(String topic) {
            return published.stream().filter(m -> m.topic().equals(topic)).map(m -> new String(m.payload())).toList();
        }
    }
}
