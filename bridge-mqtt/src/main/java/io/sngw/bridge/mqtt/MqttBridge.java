package io.sngw.bridge.mqtt;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

/**
 * The upstream port over one MQTT 3.1.1 or MQTT 5 connection (aggregating mode): every sensor's traffic shares the
 * gateway's client id. Netty (native epoll where it loads, else NIO: {@link BrokerIo}) and Netty's MQTT codec, over
 * plain TCP or TLS ({@link TlsOptions}: the JDK's TLS in Netty's SslHandler, mutual TLS with PEM files, ALPN, SNI). What the broker's platform cannot take is
 * adapted and counted ({@link PlatformLimits}, {@link #stats()}); the gateway's own retained online/offline status
 * goes to {@link BridgeOptions#statusTopic()} (offline as the connection's will). ({@link TransparentBridge} gives
 * each sensor a connection of its own, each one of these.)
 *
 * <h2>MQTT 5 and topic templates ({@link ProtocolOptions})</h2>
 * With MQTT 5 a persistent session is asked for with a Session Expiry Interval; the broker's Receive Maximum bounds
 * the QoS 1/2 publishes on the wire ({@link SendQuota}: more wait in the bridge, within {@code maxInflight}); a
 * repeated topic goes as a Topic Alias ({@link Mqtt5Publish}, up to the smaller of the configured number and the
 * broker's Topic Alias Maximum, given in order of first use per connection); every message from a sensor carries the
 * user properties {@code sngw-client-id} and {@code sngw-link}; reason codes other than success are counted
 * ({@link BridgeCounters}) and a failed PUBACK/PUBREC fails the publish. QoS 0 held while the broker was away
 * expires after {@code qos0OfflineExpiry}. A {@link TopicTemplate} maps a sensor's topics, filters and will to the
 * broker's and takes messages from the broker back (a template naming the client delivers to that sensor only).
 *
 * <p>This class is the facade: it validates and hands over to the upstream loop. There, {@link BrokerSession} owns
 * what outlives a connection (the {@link SubscriptionTable}, the {@link Qos2Session}, reconnecting with
 * {@link Backoff}), and one {@link BrokerConnection} per TCP connection speaks the protocol (its
 * {@link PublishWindow} of packets awaiting the broker, its {@link KeepAlive}); {@link BrokerChannels} opens the
 * channel and builds its pipeline.
 *
 * <h2>Threading</h2>
 * The bridge owns a single-threaded event loop, "the upstream loop". All of its state (the connection, packet ids,
 * in-flight publishes, the subscription table, the reconnect timer) is touched only there, without locks. Public
 * methods may be called from any thread: they validate their arguments, fail fast when the broker is not connected,
 * and hand the rest to the loop. Futures complete, and listener methods run, on the loop.
 *
 * <h2>Connection</h2>
 * CONNECT with the configured CleanSession ({@link BridgeOptions#cleanSession()}; true unless the gateway's store is
 * durable). With CleanSession=false the broker keeps the subscriptions and the QoS 1/2 messages for them while the
 * gateway is away, and sends them when it is back; after a CONNACK with session-present the bridge releases
 * (PUBREL) its own QoS 2 publishes that were on the wire when the last connection dropped, and unsubscribes filters
 * whose last reference went while it was offline. After every accepted CONNACK all filters of the
 * subscription table are subscribed again (a few filters per SUBSCRIBE packet); when their SUBACKs are in, the bridge
 * counts as connected and calls {@code onConnectionChanged(true)}. A lost connection calls
 * {@code onConnectionChanged(false)} and is retried forever, until {@link #close()}, after a delay that starts at
 * {@code reconnectMin}, doubles per failed attempt up to {@code reconnectMax} and has up to 25 % jitter; it starts over
 * from {@code reconnectMin} only after a connection stayed up for {@code reconnectMax} (so a broker that accepts and
 * drops at once is not hammered). Keep-alive: a PINGREQ when nothing was written or nothing was read for
 * {@code keepAlive}; the connection is dropped when, after that PINGREQ, nothing has arrived for 1.5 × keepAlive.
 *
 * <h2>Publishing</h2>
 * QoS 0 completes once written to the socket, QoS 1 on PUBACK, QoS 2 on PUBREC (the bridge then finishes
 * PUBREL/PUBCOMP itself). Publishes reach the loop through a {@link PublishOutbox} (one hand-off per batch, not per
 * message) and are encoded by {@link PublishEncoder} into one buffer per batch; writes are not flushed one by one: the
 * first write of a loop iteration schedules one flush for the end of that iteration. At most {@code maxInflight} QoS 1/2 publishes may await the broker's acknowledgement
 * (PUBACK / PUBREC, i.e. exactly the publishes whose futures are still pending); one more fails at once with
 * {@code UpstreamUnavailableException("broker window full ...")} rather than queueing in memory: the core already has
 * the durable queue for that. A QoS 2 publish keeps its packet id until PUBCOMP, so while PUBCOMPs lag the ids in use
 * can exceed the window (bounded by the 65535 ids; if all are taken a publish fails with "no free MQTT packet id").
 * At most {@value Qos0Permits#MAX} QoS 0 publishes may wait to be written; one more fails at once ("broker link
 * saturated"), so that sensors sending faster than the broker link cost a counter, not an unbounded queue. Their
 * futures complete when the socket took them. The outbox is drained only while the channel is writable (paced to what
 * the broker takes), and a QoS 0 publish past its {@link UpstreamMessage#staleAtNanos()} by the time it would be
 * written is dropped and counted ({@link #qos0DroppedStale()}).
 *
 * <h2>Subscriptions</h2>
 * Reference-counted by filter. Every subscribe sends a SUBSCRIBE (the first one, a higher QoS, and also a repeated
 * one, so that the broker re-sends retained messages for the new subscriber, MQTT 3.1.1 §3.8.4); the filter is
 * subscribed with the highest QoS any reference asked for (never lowered until the last reference goes). A reference
 * is counted at once and taken back when the broker refuses the filter ({@link SubscriptionRefusedException}) or the
 * connection drops before the SUBACK ({@code UpstreamUnavailableException}). Subscribing while disconnected fails
 * and keeps nothing. Unsubscribing removes one reference; the last one sends UNSUBSCRIBE when connected (with a
 * persistent session, on the next connection otherwise), and always completes normally. Unsubscribing a filter that
 * holds no reference fails with {@code IllegalStateException}.
 *
 * <h2>Messages from the broker</h2>
 * Delivered to {@link UpstreamListener#onMessage} (payload copied to a byte array), and acknowledged only when the
 * listener runs the message's {@code taken} callback (once the core holds it durably): PUBACK for QoS 1; PUBREC for
 * QoS 2, whose packet id is remembered until PUBREL so a re-sent PUBLISH with that id is acknowledged but not
 * delivered again. The loop does not wait for it: later PUBLISHes are delivered meanwhile, and their acknowledgements
 * leave in the order the PUBLISHes came (MQTT 3.1.1 §4.6), each once it and all before it are taken. An
 * acknowledgement is written only on the connection the PUBLISH came on; if that one is gone, the broker sends the
 * message again, and it is delivered again (for QoS 2 too when its PUBREC never left). How many messages the broker
 * lets await acknowledgement at once (Mosquitto's max_inflight_messages, 20 by default) therefore bounds downstream
 * QoS 1/2 throughput to that many per store commit. A PUBLISH larger than {@value #MAX_INBOUND_PACKET_BYTES} bytes is
 * acknowledged and dropped with a warning (MQTT-SN could not carry it anyway).
 */
public final class MqttBridge implements Upstream {

    /** Largest packet from the broker that is decoded; larger PUBLISH packets are skipped (see class doc). */
    public static final int MAX_INBOUND_PACKET_BYTES = 256 * 1024;

    private final BridgeOptions options;
    private final ProtocolOptions protocol;
    private final BridgeCounters counters;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final boolean ownsGroup;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Qos0Permits qos0Permits;
    private final BrokerSession session;
    private final PublishOutbox outbox;
    private final PlatformAdapter platform;

    public MqttBridge(BridgeOptions options) {
        this(options, ProtocolOptions.MQTT_3_1_1);
    }

    public MqttBridge(BridgeOptions options, ProtocolOptions protocol) {
        this(options, protocol, new BridgeCounters(), null, null, null);
    }

    /**
     * A bridge on {@code group} (a transparent bridge's sessions share its loop), or on a loop of its own when null;
     * {@code owner} is the sensor whose own connection this is, or null for the gateway's; {@code platform} counts
     * what the platform's limits adapted, shared by a transparent bridge's connections (a new one when null).
     */
    MqttBridge(BridgeOptions options, ProtocolOptions protocol, BridgeCounters counters, PlatformAdapter platform,
               EventLoopGroup group, BrokerSession.SensorOwner owner) {
        this.options = Objects.requireNonNull(options, "options");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.counters = counters;
        this.qos0Permits = new Qos0Permits(counters);
        this.ownsGroup = group == null;
        this.group = group != null ? group : new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("sngw-upstream", true), BrokerIo.ioHandlerFactory());
        this.loop = this.group.next();
        this.session = new BrokerSession(options, protocol, counters, owner, loop, closing, qos0Permits);
        this.outbox = session.outbox();
        this.platform = platform != null ? platform : new PlatformAdapter(options.limits());
    }

    public BridgeOptions options() {
        return options;
    }

    public ProtocolOptions protocol() {
        return protocol;
    }

    /** Reason codes and the bridge's other counters (see {@link BridgeCounters}). */
    public BridgeCounters counters() {
        return counters;
    }

    @Override
    public void start(UpstreamListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closing.get()) {
            throw new IllegalStateException("bridge is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("bridge already started");
        }
        loop.execute(() -> session.start(listener));
    }

    @Override
    public CompletableFuture<Void> publish(UpstreamMessage original) {
        Objects.requireNonNull(original, "message");
        UpstreamMessage templated = protocol.topicTemplate().isIdentity() ? original
                : original.withTopic(protocol.topicTemplate().apply(original.topic(), original.client(),
                        protocol.gatewayId()));
        String problem = Topics.checkTopicName(templated.topic());
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        UpstreamMessage message = platform.adapt(templated);
        if (message == null) {
            return CompletableFuture.completedFuture(null); // dropped: the platform refuses its topic (counted)
        }
        if (!session.isConnected()) {
            return CompletableFuture.failedFuture(session.notConnected());
        }
        if (message.qos() == 0 && !qos0Permits.tryAcquire()) {
            return CompletableFuture.failedFuture(Qos0Permits.SATURATED);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (!outbox.offer(message, future)) {
            session.settle(message, future, new UpstreamUnavailableException("bridge is closed"));
        }
        return future;
    }

    @Override
    public CompletableFuture<Integer> subscribe(ClientRef client, String filter, int qos) {
        return subscribe(brokerFilter(client, filter), qos);
    }

    @Override
    public void restoreSubscription(ClientRef client, String filter, int qos) {
        restoreSubscription(brokerFilter(client, filter), qos);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ClientRef client, String filter) {
        return unsubscribe(brokerFilter(client, filter));
    }

    /** A sensor's filter under the topic template (the methods without a client take the broker's filter as is). */
    private String brokerFilter(ClientRef client, String filter) {
        return protocol.topicTemplate().apply(filter, client, protocol.gatewayId());
    }

    @Override
    public CompletableFuture<Integer> subscribe(String filter, int requestedQos) {
        String problem = Topics.checkFilter(filter);
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        if (requestedQos < 0 || requestedQos > 2) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("MQTT QoS must be 0..2: "
                    + requestedQos));
        }
        int qos = platform.subscriptionQos(requestedQos);
        if (!session.isConnected()) {
            return CompletableFuture.failedFuture(session.notConnected());
        }
        CompletableFuture<Integer> future = new CompletableFuture<>();
        onLoop(() -> session.subscribe(filter, qos, future), future);
        return future;
    }

    @Override
    public void restoreSubscription(String filter, int qos) {
        if (Topics.checkFilter(filter) != null || qos < 0 || qos > 2) {
            throw new IllegalArgumentException("cannot restore a subscription to '" + filter + "' at QoS " + qos);
        }
        loop.execute(() -> session.restoreSubscription(filter, qos));
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String filter) {
        String problem = Topics.checkFilter(filter);
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        onLoop(() -> session.unsubscribe(filter, future), future);
        return future;
    }

    /**
     * The bridge's counters: how often a publish or subscription was adapted to what the platform takes
     * ({@code upstream.platform.*}, see {@link PlatformLimits}).
     */
    public Map<String, Long> stats() {
        return platform.snapshot();
    }

    @Override
    public boolean isConnected() {
        return session.isConnected();
    }

    /**
     * The upstream loop: publishes are taken and their futures completed there. Only for a bridge on a loop of its
     * own, which {@link #close()} ends; a transparent bridge's sessions share theirs.
     */
    @Override
    public Optional<ScheduledExecutorService> publishLoop() {
        return ownsGroup ? Optional.of(loop) : Optional.empty();
    }

    /**
     * Sends DISCONNECT when connected, closes the connection, fails what still awaits the broker, and shuts the
     * upstream loop down (waiting up to a few seconds unless called on that loop). Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            if (!loop.inEventLoop() && ownsGroup) {
                group.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            return;
        }
        session.markClosing();
        if (loop.inEventLoop()) {
            session.shutdown();
            if (ownsGroup) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            }
            return;
        }
        try {
            loop.submit(session::shutdown).awaitUninterruptibly(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException alreadyDown) {
            // nothing left to do on the loop
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- transparent mode: one sensor's own connection ----

    /** The sensor sleeps: DISCONNECT, keeping the session at the broker, until {@link #resume()}. */
    void park() {
        session.markClosing();
        loop.execute(session::park);
    }

    /** The sleeping sensor is back: connect again, continuing the session. */
    void resume() {
        loop.execute(session::resume);
    }

    /** The sensor was lost: drop the connection without DISCONNECT, so the broker publishes its will; then close. */
    void abort() {
        if (closing.compareAndSet(false, true)) {
            session.markClosing();
            loop.execute(session::abort);
        }
    }

    /** QoS 0 publishes dropped because they were stale before the broker link could take them. */
    public long qos0DroppedStale() {
        return counters.get(BridgeCounters.QOS0_DROPPED_STALE);
    }

    /** QoS 0 publishes refused at once because {@value Qos0Permits#MAX} were already waiting to be written. */
    public long qos0DroppedSaturated() {
        return counters.get(BridgeCounters.QOS0_DROPPED_SATURATED);
    }

    @Override
    public String toString() {
        return "MqttBridge[" + options.address() + " as " + options.clientId()
                + (session.isConnected() ? ", up" : ", down") + "]";
    }

    private void onLoop(Runnable task, CompletableFuture<?> future) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new UpstreamUnavailableException("bridge is closed"));
        }
    }
}
