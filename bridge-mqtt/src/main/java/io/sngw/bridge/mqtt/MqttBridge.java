package io.sngw.bridge.mqtt;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

/**
 * The upstream port over one MQTT 3.1.1 connection (aggregating mode): every sensor's traffic shares the gateway's
 * client id. Netty NIO transport and Netty's MQTT codec.
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
 * At most {@value #MAX_QOS0_PENDING} QoS 0 publishes may wait to be written; one more fails at once ("broker link
 * saturated"), so that sensors sending faster than the broker link cost a counter, not an unbounded queue. Their
 * futures complete when the socket took them.
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

    private static final System.Logger LOG = System.getLogger(MqttBridge.class.getName());
    private static final int MAX_FILTERS_PER_SUBSCRIBE = 64;
    /**
     * QoS 0 publishes accepted but not yet written to the socket. Beyond it a QoS 0 publish fails at once with
     * {@link #SATURATED}: when sensors send faster than the broker link takes, the excess is dropped here at the cost
     * of a counter, instead of queueing without bound and starving everything behind it (QoS 1 acknowledgements,
     * the broker's own traffic). 16k is ~100 ms of what this link carries on a small machine.
     */
    static final int MAX_QOS0_PENDING = 16_384;
    private static final UpstreamUnavailableException SATURATED = new UpstreamUnavailableException(
            "broker link saturated: " + MAX_QOS0_PENDING + " QoS 0 publishes are waiting to be written; dropped");
    private static final UpstreamUnavailableException STALE = new UpstreamUnavailableException(
            "QoS 0 publish stale before the broker link could take it; dropped");
    private static final MqttMessage PINGREQ =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0));
    private static final MqttMessage DISCONNECT =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private final BridgeOptions options;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final PublishOutbox outbox;
    private final AtomicInteger qos0Pending = new AtomicInteger();
    private final LongAdder qos0Stale = new LongAdder();
    private final LongAdder qos0Saturated = new LongAdder();
    /** Mirrors "a link is up" for other threads: isConnected() and the fast failure of publish/subscribe. */
    private volatile boolean connected;

    // ---- state of the upstream loop only ----
    private UpstreamListener listener;
    private Link link;
    private boolean closed;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    private int failedAttempts;
    private ScheduledFuture<?> reconnectTask;
    private boolean outageReported;
    private boolean everUp;
    /**
     * QoS 2 packet ids from the broker answered with PUBREC and awaiting PUBREL: a PUBLISH re-sent with one of them is
     * acknowledged, not delivered again. Kept across connections, like the broker's session, until a CONNACK says
     * the broker has no session for us.
     */
    private final BitSet receivedQos2 = new BitSet(65536);
    /**
     * Our QoS 2 publishes that were on the wire when a persistent session's connection dropped: the broker may still
     * hold them awaiting PUBREL and would take a new PUBLISH under the same id for a re-send. Released (PUBREL) on
     * the next connection when the broker kept the session, and their ids stay taken until PUBCOMP.
     */
    private final List<Integer> unreleasedQos2 = new ArrayList<>();
    /** Filters whose last reference went while a persistent session was offline: still subscribed at the broker. */
    private final Set<String> unsubscribeOnConnect = new HashSet<>();

    public MqttBridge(BridgeOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sngw-upstream", true),
                NioIoHandler.newFactory());
        this.loop = group.next();
        this.outbox = new PublishOutbox(loop, this::writePublishes);
    }

    public BridgeOptions options() {
        return options;
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
        loop.execute(() -> {
            this.listener = listener;
            connect();
        });
    }

    @Override
    public CompletableFuture<Void> publish(UpstreamMessage message) {
        Objects.requireNonNull(message, "message");
        String problem = Topics.checkTopicName(message.topic());
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        if (!connected) {
            return CompletableFuture.failedFuture(notConnected());
        }
        if (message.qos() == 0 && qos0Pending.incrementAndGet() > MAX_QOS0_PENDING) {
            qos0Pending.decrementAndGet();
            qos0Saturated.increment();
            return CompletableFuture.failedFuture(SATURATED);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (!outbox.offer(message, future)) {
            settle(message, future, new UpstreamUnavailableException("bridge is closed"));
        }
        return future;
    }

    @Override
    public CompletableFuture<Integer> subscribe(String filter, int qos) {
        String problem = Topics.checkFilter(filter);
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        if (qos < 0 || qos > 2) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("MQTT QoS must be 0..2: " + qos));
        }
        if (!connected) {
            return CompletableFuture.failedFuture(notConnected());
        }
        CompletableFuture<Integer> future = new CompletableFuture<>();
        onLoop(() -> doSubscribe(filter, qos, future), future);
        return future;
    }

    @Override
    public void restoreSubscription(String filter, int qos) {
        if (Topics.checkFilter(filter) != null || qos < 0 || qos > 2) {
            throw new IllegalArgumentException("cannot restore a subscription to '" + filter + "' at QoS " + qos);
        }
        loop.execute(() -> {
            unsubscribeOnConnect.remove(filter);
            Subscription s = subscriptions.computeIfAbsent(filter, Subscription::new);
            s.refs++;
            s.qos = Math.max(s.qos, qos);
        });
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String filter) {
        String problem = Topics.checkFilter(filter);
        if (problem != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(problem));
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        onLoop(() -> doUnsubscribe(filter, future), future);
        return future;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    /**
     * Sends DISCONNECT when connected, closes the connection, fails what still awaits the broker, and shuts the
     * upstream loop down (waiting up to a few seconds unless called on that loop). Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            if (!loop.inEventLoop()) {
                group.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            return;
        }
        connected = false;
        if (loop.inEventLoop()) {
            shutdownOnLoop();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            return;
        }
        try {
            loop.submit(this::shutdownOnLoop).awaitUninterruptibly(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException alreadyDown) {
            // nothing left to do on the loop
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** QoS 0 publishes dropped because they were stale before the broker link could take them. */
    public long qos0DroppedStale() {
        return qos0Stale.sum();
    }

    /** QoS 0 publishes refused at once because {@value #MAX_QOS0_PENDING} were already waiting to be written. */
    public long qos0DroppedSaturated() {
        return qos0Saturated.sum();
    }

    @Override
    public String toString() {
        return "MqttBridge[" + options.address() + " as " + options.clientId() + (connected ? ", up" : ", down") + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // On the upstream loop

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

    private UpstreamUnavailableException notConnected() {
        return new UpstreamUnavailableException(
                closing.get() ? "bridge is closed" : "not connected to broker " + options.address());
    }

    private Link upLink() {
        Link l = link;
        return l != null && l.up ? l : null;
    }

    /**
     * On the loop: takes what the outbox holds, encodes it into as few buffers as possible and writes them; the
     * flush follows once at the end of this loop iteration. QoS 0 futures complete when their buffer is written.
     * Paced to what the broker drains: while the channel is not writable (its outbound buffer is over the high-water
     * mark) nothing more is taken, and the outbox is drained again when it becomes writable. A QoS 0 publish stale by
     * the time it would be written ({@link UpstreamMessage#staleAtNanos()}) is dropped and counted.
     *
     * @return false when it stopped because the channel is not writable
     */
    private boolean writePublishes(PublishOutbox box) {
        Link l = upLink();
        PublishBatch batch = null;
        long now = System.nanoTime();
        boolean writable = true;
        for (int n = 0; n < PublishOutbox.MAX_PER_DRAIN; n++) {
            if (l != null && !l.channel.isWritable() && (batch == null || batch.isEmpty())) {
                writable = false;
                break;
            }
            PublishOutbox.Entry e = box.poll();
            if (e == null) {
                break;
            }
            UpstreamMessage message = e.message();
            if (l == null) {
                settle(message, e.future(), notConnected());
                continue;
            }
            if (message.qos() == 0 && message.staleBy(now)) {
                qos0Stale.increment();
                settle(message, e.future(), STALE);
                continue;
            }
            int packetId = 0;
            if (message.qos() > 0) {
                if (l.inflightPublishes >= options.maxInflight()) {
                    e.future().completeExceptionally(new UpstreamUnavailableException("broker window full: "
                            + l.inflightPublishes + " QoS 1/2 publishes await acknowledgement (maxInflight)"));
                    continue;
                }
                packetId = l.allocatePacketId();
                if (packetId == 0) {
                    e.future().completeExceptionally(new UpstreamUnavailableException("no free MQTT packet id"));
                    continue;
                }
                l.pending.put(packetId, new PendingPublish(e.future(), message.qos()));
                l.inflightPublishes++;
            }
            if (batch != null && batch.isFull()) {
                batch.write(l);
                batch = null;
            }
            if (batch == null) {
                batch = new PublishBatch(l.channel.alloc());
            }
            batch.add(message, packetId, e.future());
        }
        if (batch != null) {
            batch.write(l);
        }
        return writable;
    }

    /** Completes a publish's future, giving back its QoS 0 permit. */
    private void settle(UpstreamMessage message, CompletableFuture<Void> future, Throwable failure) {
        if (message.qos() == 0) {
            qos0Pending.decrementAndGet();
        }
        if (failure == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(failure);
        }
    }

    /** Publishes encoded into one buffer; the QoS 0 ones complete when it is written. */
    private final class PublishBatch {
        private static final int INITIAL_BYTES = 16 * 1024;
        private static final int FULL_BYTES = 64 * 1024;

        private final ByteBuf buffer;
        private final List<CompletableFuture<Void>> qos0 = new ArrayList<>();

        PublishBatch(ByteBufAllocator alloc) {
            buffer = alloc.buffer(INITIAL_BYTES);
        }

        boolean isFull() {
            return buffer.readableBytes() >= FULL_BYTES;
        }

        boolean isEmpty() {
            return buffer.readableBytes() == 0;
        }

        void add(UpstreamMessage message, int packetId, CompletableFuture<Void> future) {
            buffer.ensureWritable(PublishEncoder.maxEncodedLength(message));
            PublishEncoder.encode(buffer, message, packetId);
            if (message.qos() == 0) {
                qos0.add(future);
            }
        }

        void write(Link l) {
            ChannelFuture written = l.write(buffer);
            if (qos0.isEmpty()) {
                return;
            }
            written.addListener(f -> {
                Throwable failure = f.isSuccess() ? null : new UpstreamUnavailableException(
                        "QoS 0 publish not written to broker: " + describe(f.cause()));
                for (CompletableFuture<Void> future : qos0) {
                    qos0Pending.decrementAndGet();
                    if (failure == null) {
                        future.complete(null);
                    } else {
                        future.completeExceptionally(failure);
                    }
                }
            });
        }
    }

    private void doSubscribe(String filter, int qos, CompletableFuture<Integer> future) {
        Link l = upLink();
        if (l == null) {
            future.completeExceptionally(notConnected());
            return;
        }
        int id = l.allocatePacketId();
        if (id == 0) {
            future.completeExceptionally(new UpstreamUnavailableException("no free MQTT packet id"));
            return;
        }
        unsubscribeOnConnect.remove(filter);
        Subscription s = subscriptions.computeIfAbsent(filter, Subscription::new);
        s.refs++;
        s.qos = Math.max(s.qos, qos);
        List<SubRequest> requests = List.of(new SubRequest(s, future));
        l.pending.put(id, new PendingSubscribe(requests, false));
        l.write(MqttMessageBuilders.subscribe().messageId(id).addSubscription(MqttQoS.valueOf(s.qos), filter).build());
    }

    private void doUnsubscribe(String filter, CompletableFuture<Void> future) {
        Subscription s = subscriptions.get(filter);
        if (s == null) {
            future.completeExceptionally(new IllegalStateException("no subscription to '" + filter + "' to remove"));
            return;
        }
        if (--s.refs > 0) {
            future.complete(null);
            return;
        }
        subscriptions.remove(filter);
        Link l = link;
        int id = l != null && l.sessionActive ? l.allocatePacketId() : 0;
        if (id == 0) {
            if (!options.cleanSession()) {
                unsubscribeOnConnect.add(filter); // the broker keeps it in our session until told otherwise
            }
            future.complete(null); // with a clean session, no connection means no subscription at the broker
            return;
        }
        l.pending.put(id, new PendingUnsubscribe(future));
        l.write(MqttMessageBuilders.unsubscribe().messageId(id).addTopicFilter(filter).build());
    }

    /** Takes back the reference a subscribe request added, unless the table entry was replaced meanwhile. */
    private void unref(Subscription s) {
        if (subscriptions.get(s.filter) == s && --s.refs <= 0) {
            subscriptions.remove(s.filter);
        }
    }

    private void connect() {
        reconnectTask = null;
        if (closed) {
            return;
        }
        Link l = new Link();
        link = l;
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch.pipeline(), l);
                    }
                });
        bootstrap.connect(options.host(), options.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                linkEnded(l, "TCP connect failed: " + describe(f.cause()));
            }
        });
    }

    /**
     * The pipeline, outermost first. TLS will slot in as the first handler
     * ({@code pipeline.addFirst("tls", sslContext.newHandler(ch.alloc(), host, port))}) without changing the rest.
     */
    private void initPipeline(ChannelPipeline pipeline, Link l) {
        long keepAliveMillis = options.keepAlive().toMillis();
        pipeline.addLast("idle", new IdleStateHandler(keepAliveMillis, keepAliveMillis, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("frames", new MqttFrameGuard(MAX_INBOUND_PACKET_BYTES));
        pipeline.addLast("decoder", new MqttDecoder(MAX_INBOUND_PACKET_BYTES));
        pipeline.addLast("encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("bridge", l);
    }

    /** Called once per link, when its TCP connect failed or its channel closed (or the bridge closes it). */
    private void linkEnded(Link l, String reason) {
        if (l.ended) {
            return;
        }
        l.ended = true;
        l.cancelTimers();
        if (link != l) {
            return;
        }
        link = null;
        boolean wasUp = l.up;
        l.up = false;
        connected = false;
        l.failPending(reason);
        outbox.resume(); // publishes held back while the channel was unwritable now fail at once: nothing else drains them
        if (closed) {
            if (wasUp) {
                LOG.log(Level.INFO, "disconnected from MQTT broker {0} ({1})", options.address(), reason);
                notifyConnection(false);
            }
            return;
        }
        if (wasUp) {
            LOG.log(Level.WARNING, "connection to MQTT broker {0} lost: {1}; reconnecting", options.address(), reason);
            notifyConnection(false);
            outageReported = true;
            if (System.nanoTime() - l.upSinceNanos >= options.reconnectMax().toNanos()) {
                failedAttempts = 0;
            }
        } else if (!outageReported) {
            LOG.log(Level.WARNING, "cannot connect to MQTT broker {0}: {1}; retrying with backoff up to {2}",
                    options.address(), reason, options.reconnectMax());
            outageReported = true;
        } else {
            LOG.log(Level.DEBUG, "connection attempt to MQTT broker {0} failed: {1}", options.address(), reason);
        }
        long delay = reconnectDelayMillis(failedAttempts);
        failedAttempts = Math.min(failedAttempts + 1, 62);
        reconnectTask = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private long reconnectDelayMillis(int attempt) {
        return backoffMillis(options.reconnectMin().toMillis(), options.reconnectMax().toMillis(), attempt,
                ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The delay before reconnect attempt {@code attempt} (0 = first after a loss): {@code min·2^attempt} capped at
     * {@code max}, minus up to 25 % jitter ({@code random} in [0, 1)), never below {@code min}.
     */
    static long backoffMillis(long min, long max, int attempt, double random) {
        long base = attempt >= 62 || min > (max >> attempt) ? max : min << attempt;
        long jittered = base - (long) (base * 0.25 * random);
        return Math.max(Math.max(1, min), jittered);
    }

    private void goUp(Link l) {
        l.up = true;
        l.upSinceNanos = System.nanoTime();
        connected = true;
        outageReported = false;
        if (everUp) {
            LOG.log(Level.INFO, "reconnected to MQTT broker {0} as {1}, {2} subscription(s) restored",
                    options.address(), options.clientId(), String.valueOf(subscriptions.size()));
        } else {
            LOG.log(Level.INFO, "connected to MQTT broker {0} as {1}", options.address(), options.clientId());
        }
        everUp = true;
        notifyConnection(true);
    }

    private void notifyConnection(boolean up) {
        UpstreamListener target = listener;
        if (target == null) {
            return;
        }
        try {
            target.onConnectionChanged(up);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upstream listener failed in onConnectionChanged(" + up + ")", e);
        }
    }

    private void deliver(String topic, byte[] payload, int qos, boolean retain, Runnable taken) {
        try {
            listener.onMessage(new UpstreamMessage(topic, payload, qos, retain), taken);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upstream listener failed on a message for '" + topic + "'", e);
        }
    }

    private void shutdownOnLoop() {
        closed = true;
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        Link l = link;
        if (l != null) {
            l.disconnect();
            linkEnded(l, "bridge closed");
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    // ------------------------------------------------------------------------------------------------------------
    // One TCP connection (or attempt) to the broker, and the MQTT session on it.

    private final class Link extends ChannelInboundHandlerAdapter {

        final IntObjectHashMap<Object> pending = new IntObjectHashMap<>();
        /** QoS 1/2 PUBLISHes from the broker not acknowledged yet, in the order they came. */
        final ArrayDeque<Acknowledgement> unacknowledged = new ArrayDeque<>();
        final Runnable flushTask = this::flushNow;
        Channel channel;
        boolean sessionActive;
        boolean up;
        boolean ended;
        String closeReason;
        int nextPacketId = 1;
        int inflightPublishes;
        int resubscribesOutstanding;
        long upSinceNanos;
        long lastReadNanos;
        boolean pingOutstanding;
        boolean flushScheduled;
        ScheduledFuture<?> connAckTimeout;
        ScheduledFuture<?> silenceCheck;

        // ---- writing ----

        ChannelFuture write(Object message) {
            ChannelFuture f = channel.write(message);
            if (!flushScheduled) {
                flushScheduled = true;
                if (loop instanceof SingleThreadEventLoop stel) {
                    stel.executeAfterEventLoopIteration(flushTask);
                } else {
                    loop.execute(flushTask);
                }
            }
            return f;
        }

        private void flushNow() {
            flushScheduled = false;
            channel.flush();
        }

        void close(String reason) {
            if (closeReason == null) {
                closeReason = reason;
            }
            channel.close();
        }

        void disconnect() {
            if (channel != null && channel.isActive()) {
                closeReason = "bridge closed";
                if (sessionActive) {
                    channel.writeAndFlush(DISCONNECT);
                }
                channel.close();
            }
        }

        /** 1..65535, skipping ids in use; 0 when all are taken. */
        int allocatePacketId() {
            for (int i = 0; i < 65535; i++) {
                int id = nextPacketId;
                nextPacketId = id == 65535 ? 1 : id + 1;
                if (!pending.containsKey(id)) {
                    return id;
                }
            }
            return 0;
        }

        void cancelTimers() {
            if (connAckTimeout != null) {
                connAckTimeout.cancel(false);
            }
            if (silenceCheck != null) {
                silenceCheck.cancel(false);
            }
        }

        void failPending(String reason) {
            if (pending.isEmpty()) {
                return;
            }
            if (!options.cleanSession()) {
                for (IntObjectMap.PrimitiveEntry<Object> e : pending.entries()) {
                    if (e.value() instanceof PendingPublish pp && pp.qos == 2) {
                        unreleasedQos2.add(e.key());
                    }
                }
            }
            List<Object> all = new ArrayList<>(pending.values());
            pending.clear();
            inflightPublishes = 0;
            for (Object p : all) {
                if (p instanceof PendingPublish pp) {
                    if (!pp.released) {
                        pp.future.completeExceptionally(new UpstreamUnavailableException(
                                "connection to broker lost before acknowledgement (" + reason + ")"));
                    }
                } else if (p instanceof PendingSubscribe ps) {
                    for (SubRequest r : ps.requests) {
                        if (r.future != null) {
                            unref(r.subscription);
                            r.future.completeExceptionally(new UpstreamUnavailableException(
                                    "connection to broker lost before SUBACK (" + reason + ")"));
                        }
                    }
                } else if (p instanceof PendingUnsubscribe pu) {
                    pu.future.complete(null);
                }
            }
        }

        // ---- channel events ----

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            if (link != this || closed) {
                ctx.close();
                return;
            }
            lastReadNanos = System.nanoTime();
            MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                    .protocolVersion(MqttVersion.MQTT_3_1_1)
                    .clientId(options.clientId())
                    .cleanSession(options.cleanSession())
                    .keepAlive(options.keepAliveSeconds());
            if (options.username() != null) {
                connect.hasUser(true).username(options.username());
            }
            if (options.password() != null) {
                connect.hasPassword(true).password(options.password().getBytes(StandardCharsets.UTF_8));
            }
            write(connect.build());
            long timeout = options.connectTimeout().toMillis();
            connAckTimeout = ctx.executor().schedule(
                    () -> close("no CONNACK within " + timeout + " ms"), timeout, TimeUnit.MILLISECONDS);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                outbox.resume(); // the broker drained what was written: take the publishes waiting meanwhile
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            linkEnded(this, closeReason != null ? closeReason : "connection closed by broker");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close(describe(cause));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                if (sessionActive) {
                    onIdle();
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastReadNanos = System.nanoTime();
            pingOutstanding = false;
            try {
                if (closeReason != null) {
                    return; // closing: ignore what is still in the pipe
                }
                if (msg instanceof MqttMessage m) {
                    onPacket(m);
                } else if (msg instanceof OversizedPublish o) {
                    onOversizedPublish(o);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        // ---- keep-alive ----

        private void onIdle() {
            if (!pingOutstanding) {
                pingOutstanding = true;
                write(PINGREQ);
            }
            scheduleSilenceCheck();
        }

        private void scheduleSilenceCheck() {
            if (silenceCheck != null && !silenceCheck.isDone()) {
                return;
            }
            long limit = options.keepAlive().toNanos() * 3 / 2;
            long delay = Math.max(TimeUnit.MILLISECONDS.toNanos(1), limit - (System.nanoTime() - lastReadNanos));
            silenceCheck = loop.schedule(this::checkSilence, delay, TimeUnit.NANOSECONDS);
        }

        private void checkSilence() {
            silenceCheck = null;
            long limit = options.keepAlive().toNanos() * 3 / 2;
            long silent = System.nanoTime() - lastReadNanos;
            if (silent >= limit) {
                close("nothing from broker for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms despite PINGREQ"
                        + " (keep-alive " + options.keepAlive().toMillis() + " ms)");
            } else if (pingOutstanding) {
                scheduleSilenceCheck();
            }
        }

        // ---- packets from the broker ----

        private void onPacket(MqttMessage m) {
            if (m.decoderResult().isFailure()) {
                close("malformed packet from broker: " + describe(m.decoderResult().cause()));
                return;
            }
            MqttMessageType type = m.fixedHeader().messageType();
            if (!sessionActive && type != MqttMessageType.CONNACK) {
                close("protocol error: " + type + " from broker before CONNACK");
                return;
            }
            switch (type) {
                case CONNACK -> onConnAck((MqttConnAckMessage) m);
                case PUBLISH -> onPublish((MqttPublishMessage) m);
                case PUBACK -> onPubAck(messageId(m));
                case PUBREC -> onPubRec(messageId(m));
                case PUBREL -> onPubRel(messageId(m));
                case PUBCOMP -> onPubComp(messageId(m));
                case SUBACK -> onSubAck(messageId(m), ((MqttSubAckMessage) m).payload().reasonCodes());
                case UNSUBACK -> onUnsubAck(messageId(m));
                case PINGRESP -> {
                    // lastReadNanos already updated
                }
                default -> close("protocol error: unexpected " + type + " from broker");
            }
        }

        private int messageId(MqttMessage m) {
            return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
        }

        private void onConnAck(MqttConnAckMessage m) {
            if (sessionActive) {
                close("protocol error: second CONNACK from broker");
                return;
            }
            connAckTimeout.cancel(false);
            MqttConnectReturnCode code = m.variableHeader().connectReturnCode();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                close("broker refused the connection: " + code);
                return;
            }
            sessionActive = true;
            if (m.variableHeader().isSessionPresent()) {
                releaseUnreleasedQos2();
                unsubscribeOffline();
            } else {
                receivedQos2.clear();
                unreleasedQos2.clear();
                unsubscribeOnConnect.clear();
            }
            resubscribe();
        }

        private void releaseUnreleasedQos2() {
            for (int id : unreleasedQos2) {
                PendingPublish released = new PendingPublish(null, 2);
                released.released = true;
                pending.put(id, released);
                write(reply(MqttMessageType.PUBREL, id));
            }
            unreleasedQos2.clear();
        }

        private void unsubscribeOffline() {
            for (String filter : unsubscribeOnConnect) {
                int id = allocatePacketId();
                pending.put(id, new PendingUnsubscribe(new CompletableFuture<>()));
                write(MqttMessageBuilders.unsubscribe().messageId(id).addTopicFilter(filter).build());
            }
            unsubscribeOnConnect.clear();
        }

        private void resubscribe() {
            List<Subscription> all = new ArrayList<>(subscriptions.values());
            for (int from = 0; from < all.size(); from += MAX_FILTERS_PER_SUBSCRIBE) {
                List<Subscription> batch = all.subList(from, Math.min(all.size(), from + MAX_FILTERS_PER_SUBSCRIBE));
                int id = allocatePacketId();
                MqttMessageBuilders.SubscribeBuilder subscribe = MqttMessageBuilders.subscribe().messageId(id);
                List<SubRequest> requests = new ArrayList<>(batch.size());
                for (Subscription s : batch) {
                    subscribe.addSubscription(MqttQoS.valueOf(s.qos), s.filter);
                    requests.add(new SubRequest(s, null));
                }
                pending.put(id, new PendingSubscribe(requests, true));
                resubscribesOutstanding++;
                write(subscribe.build());
            }
            if (resubscribesOutstanding == 0) {
                goUp(this);
            }
        }

        private void onPublish(MqttPublishMessage p) {
            int qos = p.fixedHeader().qosLevel().value();
            String topic = p.variableHeader().topicName();
            int id = p.variableHeader().packetId();
            if (qos == 2 && receivedQos2.get(id)) {
                acknowledgeNow(id, true); // the broker re-sent a PUBLISH we already have
                return;
            }
            Runnable taken = NOTHING_TO_ACKNOWLEDGE;
            if (qos > 0) {
                Acknowledgement a = new Acknowledgement(this, id, qos == 2);
                unacknowledged.addLast(a);
                taken = a;
            }
            deliver(topic, ByteBufUtil.getBytes(p.content()), qos, p.fixedHeader().isRetain(), taken);
        }

        /** Acknowledges a PUBLISH that needs nothing from the core, still behind those that came before it. */
        private void acknowledgeNow(int id, boolean qos2) {
            Acknowledgement a = new Acknowledgement(this, id, qos2);
            a.taken = true;
            unacknowledged.addLast(a);
            releaseAcknowledgements();
        }

        /**
         * Sends the acknowledgements the core has released, in the order their PUBLISHes came (MQTT 3.1.1 §4.6
         * requires it), up to the first one still waiting.
         */
        void releaseAcknowledgements() {
            if (ended || closeReason != null) {
                return; // the broker sends them again on the next connection: these ids mean nothing there
            }
            Acknowledgement a;
            while ((a = unacknowledged.peekFirst()) != null && a.taken) {
                unacknowledged.pollFirst();
                if (a.qos2) {
                    receivedQos2.set(a.packetId);
                    write(reply(MqttMessageType.PUBREC, a.packetId));
                } else {
                    write(reply(MqttMessageType.PUBACK, a.packetId));
                }
            }
        }

        private void onOversizedPublish(OversizedPublish o) {
            if (!sessionActive) {
                close("protocol error: PUBLISH from broker before CONNACK");
                return;
            }
            if (o.qos() == 2 && receivedQos2.get(o.packetId())) {
                acknowledgeNow(o.packetId(), true);
                return;
            }
            LOG.log(Level.WARNING, "dropped a {0}-byte PUBLISH for ''{1}'' from the broker: larger than {2} bytes",
                    String.valueOf(o.remainingLength()), o.topic(), String.valueOf(MAX_INBOUND_PACKET_BYTES));
            if (o.qos() > 0) {
                acknowledgeNow(o.packetId(), o.qos() == 2);
            }
        }

        private void onPubAck(int id) {
            if (pending.get(id) instanceof PendingPublish pp && pp.qos == 1) {
                pending.remove(id);
                inflightPublishes--;
                pp.future.complete(null);
            } else {
                LOG.log(Level.DEBUG, "ignored PUBACK for unknown packet id {0}", id);
            }
        }

        private void onPubRec(int id) {
            if (pending.get(id) instanceof PendingPublish pp && pp.qos == 2) {
                if (!pp.released) { // a PUBREC for a publish released on reconnecting counts as released already
                    pp.released = true;
                    inflightPublishes--;
                    pp.future.complete(null);
                }
                write(reply(MqttMessageType.PUBREL, id));
            } else {
                LOG.log(Level.DEBUG, "ignored PUBREC for unknown packet id {0}", id);
            }
        }

        private void onPubComp(int id) {
            if (pending.get(id) instanceof PendingPublish pp && pp.qos == 2 && pp.released) {
                pending.remove(id);
            } else {
                LOG.log(Level.DEBUG, "ignored PUBCOMP for unknown packet id {0}", id);
            }
        }

        private void onPubRel(int id) {
            receivedQos2.clear(id);
            write(reply(MqttMessageType.PUBCOMP, id));
        }

        private void onSubAck(int id, List<Integer> codes) {
            if (!(pending.get(id) instanceof PendingSubscribe ps)) {
                LOG.log(Level.DEBUG, "ignored SUBACK for unknown packet id {0}", id);
                return;
            }
            pending.remove(id);
            for (int i = 0; i < ps.requests.size(); i++) {
                SubRequest r = ps.requests.get(i);
                int code = i < codes.size() ? codes.get(i) : 0x80;
                boolean refused = code < 0 || code > 2;
                if (r.future == null) {
                    if (refused) {
                        LOG.log(Level.WARNING, "broker refused the re-subscription to ''{0}'' (SUBACK 0x{1})",
                                r.subscription.filter, Integer.toHexString(code));
                    }
                } else if (refused) {
                    unref(r.subscription);
                    r.future.completeExceptionally(new SubscriptionRefusedException(r.subscription.filter));
                } else {
                    r.future.complete(code);
                }
            }
            if (ps.resubscribe && --resubscribesOutstanding == 0 && !up) {
                goUp(this);
            }
        }

        private void onUnsubAck(int id) {
            if (pending.get(id) instanceof PendingUnsubscribe pu) {
                pending.remove(id);
                pu.future.complete(null);
            } else {
                LOG.log(Level.DEBUG, "ignored UNSUBACK for unknown packet id {0}", id);
            }
        }

        private MqttMessage reply(MqttMessageType type, int id) {
            MqttQoS flags = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
            return new MqttMessage(new MqttFixedHeader(type, false, flags, false, 2), MqttMessageIdVariableHeader.from(id));
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private static final Runnable NOTHING_TO_ACKNOWLEDGE = () -> { };

    /**
     * The broker's PUBACK / PUBREC for one PUBLISH, released when the core has taken the message: run from any thread,
     * it hops to the loop, and is written only on the connection the PUBLISH came on.
     */
    private final class Acknowledgement implements Runnable {
        private final Link link;
        final int packetId;
        final boolean qos2;
        /** Loop only. */
        boolean taken;

        Acknowledgement(Link link, int packetId, boolean qos2) {
            this.link = link;
            this.packetId = packetId;
            this.qos2 = qos2;
        }

        @Override
        public void run() {
            if (loop.inEventLoop()) {
                taken = true;
                link.releaseAcknowledgements();
                return;
            }
            try {
                loop.execute(this);
            } catch (RejectedExecutionException closed) {
                // the bridge is closed: the broker sends the message again to whoever connects as us next
            }
        }
    }

    /** One filter of the subscription table. */
    private static final class Subscription {
        final String filter;
        int refs;
        int qos;

        Subscription(String filter) {
            this.filter = filter;
        }
    }

    private static final class PendingPublish {
        final CompletableFuture<Void> future;
        final int qos;
        boolean released; // QoS 2: PUBREC seen, PUBREL sent, PUBCOMP awaited

        PendingPublish(CompletableFuture<Void> future, int qos) {
            this.future = future;
            this.qos = qos;
        }
    }

    /** A filter in a SUBSCRIBE packet; {@code future} is null for the bridge's own re-subscription. */
    private record SubRequest(Subscription subscription, CompletableFuture<Integer> future) {
    }

    private record PendingSubscribe(List<SubRequest> requests, boolean resubscribe) {
    }

    private record PendingUnsubscribe(CompletableFuture<Void> future) {
    }
}
