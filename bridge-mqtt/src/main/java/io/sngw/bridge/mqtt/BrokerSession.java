package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.Packets.describe;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.concurrent.ScheduledFuture;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

/**
 * The gateway's MQTT session with its broker across connections, on the upstream loop: the current
 * {@link BrokerConnection}, reconnecting after a loss with {@link Backoff}, the {@link SubscriptionTable} and the
 * QoS 2 state, and the loop side of {@link MqttBridge}'s publish, subscribe and unsubscribe. Everything here but
 * {@link #isConnected()} is touched on the upstream loop only.
 */
final class BrokerSession {

    private static final System.Logger LOG = System.getLogger(MqttBridge.class.getName());

    private final BridgeOptions options;
    private final ProtocolOptions protocol;
    private final BridgeCounters counters;
    /** Transparent mode: the sensor whose own session this is; null for the gateway's (aggregating) session. */
    private final SensorOwner owner;
    private final EventLoop loop;
    private final AtomicBoolean closing;
    private final Qos0Permits qos0Permits;
    private final BrokerChannels channels;
    private final Backoff backoff;
    private final SubscriptionTable subscriptions = new SubscriptionTable();
    private final Qos2Session qos2 = new Qos2Session();
    private final PublishOutbox outbox;
    /** Mirrors "a connection is up" for other threads: isConnected() and the fast failure of publish/subscribe. */
    private volatile boolean connected;

    private UpstreamListener listener;
    private BrokerConnection connection;
    private boolean closed;
    /** Transparent mode: the sensor sleeps; the connection is ended (the broker keeps the session) until resumed. */
    private boolean parked;
    /** Connected before: later connections continue the session at the broker (no clean start). */
    private boolean resuming;
    private ScheduledFuture<?> reconnectTask;
    /** The reason last logged as a WARNING during this outage; null while connected. */
    private String reportedReason;
    private boolean everUp;

    /**
     * The sensor a transparent-mode session belongs to: messages from the broker on it are for that sensor only,
     * and its CONNECT carries the sensor's will.
     */
    record SensorOwner(ClientRef client, UpstreamMessage will) {
    }

    BrokerSession(BridgeOptions options, ProtocolOptions protocol, BridgeCounters counters, SensorOwner owner,
                  EventLoop loop, AtomicBoolean closing, Qos0Permits qos0Permits) {
        this.options = options;
        this.protocol = protocol;
        this.counters = counters;
        this.owner = owner;
        this.loop = loop;
        this.closing = closing;
        this.qos0Permits = qos0Permits;
        this.channels = new BrokerChannels(options, loop);
        this.backoff = new Backoff(options.reconnectMin(), options.reconnectMax());
        this.outbox = new PublishOutbox(loop, this::writePublishes);
    }

    /** Where publishes from any thread wait for the loop; drained by {@link #writePublishes}. */
    PublishOutbox outbox() {
        return outbox;
    }

    BridgeOptions options() {
        return options;
    }

    ProtocolOptions protocol() {
        return protocol;
    }

    BridgeCounters counters() {
        return counters;
    }

    SensorOwner owner() {
        return owner;
    }

    Qos0Permits qos0Permits() {
        return qos0Permits;
    }

    EventLoop loop() {
        return loop;
    }

    SubscriptionTable subscriptions() {
        return subscriptions;
    }

    Qos2Session qos2() {
        return qos2;
    }

    /** Any thread. */
    boolean isConnected() {
        return connected;
    }

    /** Any thread: the bridge is closing, publishes and subscribes fail from now on. */
    void markClosing() {
        connected = false;
    }

    UpstreamUnavailableException notConnected() {
        return new UpstreamUnavailableException(
                closing.get() ? "bridge is closed" : "not connected to broker " + options.address());
    }

    void start(UpstreamListener listener) {
        this.listener = listener;
        connect();
    }

    boolean isCurrent(BrokerConnection c) {
        return connection == c && !closed;
    }

    private BrokerConnection upConnection() {
        BrokerConnection c = connection;
        return c != null && c.up ? c : null;
    }

    // ---- publishing ----

    /**
     * Takes what the outbox holds, encodes it into as few buffers as possible and writes them; the flush follows once
     * at the end of this loop iteration. QoS 0 futures complete when their buffer is written. Paced to what the broker
     * drains: while the channel is not writable (its outbound buffer is over the high-water mark) nothing more is
     * taken, and the outbox is drained again when it becomes writable ({@link BrokerConnection}). A QoS 0 publish
     * stale by the time it would be written ({@link UpstreamMessage#staleAtNanos()}) is dropped and counted.
     *
     * @return false when it stopped because the channel is not writable
     */
    boolean writePublishes(PublishOutbox box) {
        BrokerConnection c = upConnection();
        PublishBatch batch = null;
        long now = System.nanoTime();
        boolean writable = true;
        for (int n = 0; n < PublishOutbox.MAX_PER_DRAIN; n++) {
            if (c != null && !c.channel.isWritable() && (batch == null || batch.isEmpty())) {
                writable = false;
                break;
            }
            PublishOutbox.Entry e = box.poll();
            if (e == null) {
                break;
            }
            UpstreamMessage message = e.message();
            if (c == null) {
                settle(message, e.future(), notConnected());
                continue;
            }
            if (message.qos() == 0 && message.staleBy(now)) {
                qos0Permits.countStale();
                settle(message, e.future(), Qos0Permits.STALE);
                continue;
            }
            long expirySeconds = 0;
            if (message.heldSinceMillis() != 0 && !protocol.qos0OfflineExpiry().isZero()) {
                long left = protocol.qos0OfflineExpiry().toMillis() - (System.currentTimeMillis() - message.heldSinceMillis());
                if (left <= 0) {
                    counters.increment(BridgeCounters.QOS0_OFFLINE_EXPIRED); // waited too long to mean anything now
                    settle(message, e.future(), null);
                    continue;
                }
                expirySeconds = (left + 999) / 1000;
            }
            int packetId = 0;
            if (message.qos() > 0) {
                if (c.window.inflightPublishes() >= options.maxInflight()) {
                    e.future().completeExceptionally(new UpstreamUnavailableException("broker window full: "
                            + c.window.inflightPublishes() + " QoS 1/2 publishes await acknowledgement (maxInflight)"));
                    continue;
                }
                packetId = c.window.allocatePacketId();
                if (packetId == 0) {
                    e.future().completeExceptionally(new UpstreamUnavailableException("no free MQTT packet id"));
                    continue;
                }
                c.window.put(packetId, new Pending.Publish(e.future(), message.qos()));
                if (!c.sendQuota.take()) {
                    c.sendQuota.hold(message, packetId); // the broker's Receive Maximum: it goes when an acknowledgement comes
                    continue;
                }
            }
            if (batch != null && batch.isFull()) {
                batch.write(c);
                batch = null;
            }
            if (batch == null) {
                batch = new PublishBatch(c.channel.alloc(), qos0Permits, counters.writeLatency);
            }
            batch.add(message, packetId, e.future(), c.mqtt5, expirySeconds);
        }
        if (batch != null) {
            batch.write(c);
        }
        return writable;
    }

    /** Completes a publish's future, giving back its QoS 0 permit. Any thread. */
    void settle(UpstreamMessage message, CompletableFuture<Void> future, Throwable failure) {
        if (message.qos() == 0) {
            qos0Permits.release();
        }
        if (failure == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(failure);
        }
    }

    // ---- subscriptions ----

    void subscribe(String filter, int qos, CompletableFuture<Integer> future) {
        BrokerConnection c = upConnection();
        if (c == null) {
            future.completeExceptionally(notConnected());
            return;
        }
        int id = c.window.allocatePacketId();
        if (id == 0) {
            future.completeExceptionally(new UpstreamUnavailableException("no free MQTT packet id"));
            return;
        }
        SubscriptionTable.Subscription s = subscriptions.reference(filter, qos);
        c.window.put(id, new Pending.Subscribe(List.of(new Pending.SubRequest(s, future)), false));
        c.write(MqttMessageBuilders.subscribe().messageId(id).addSubscription(MqttQoS.valueOf(s.qos), filter).build());
    }

    void restoreSubscription(String filter, int qos) {
        subscriptions.reference(filter, qos);
    }

    void unsubscribe(String filter, CompletableFuture<Void> future) {
        switch (subscriptions.release(filter)) {
            case NOT_SUBSCRIBED -> future.completeExceptionally(
                    new IllegalStateException("no subscription to '" + filter + "' to remove"));
            case STILL_REFERENCED -> future.complete(null);
            case LAST_REFERENCE -> {
                BrokerConnection c = connection;
                int id = c != null && c.sessionActive ? c.window.allocatePacketId() : 0;
                if (id == 0) {
                    if (!options.cleanSession()) {
                        subscriptions.unsubscribeOnConnect(filter); // the broker keeps it until told otherwise
                    }
                    future.complete(null); // with a clean session, no connection means no subscription at the broker
                    return;
                }
                c.window.put(id, new Pending.Unsubscribe(future));
                c.write(MqttMessageBuilders.unsubscribe().messageId(id).addTopicFilter(filter).build());
            }
        }
    }

    // ---- connecting ----

    private void connect() {
        reconnectTask = null;
        if (closed) {
            return;
        }
        BrokerConnection c = new BrokerConnection(this);
        connection = c;
        try {
            channels.connect(c).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    connectionEnded(c, "TCP connect failed: " + describe(f.cause()));
                }
            });
        } catch (TlsSetupException e) {
            connectionEnded(c, e.getMessage());
        }
    }

    /** Called once per connection, when its TCP connect failed or its channel closed (or the bridge closes it). */
    void connectionEnded(BrokerConnection c, String reason) {
        if (c.ended) {
            return;
        }
        c.ended = true;
        c.cancelTimers();
        if (connection != c) {
            return;
        }
        connection = null;
        boolean wasUp = c.up;
        c.up = false;
        connected = false;
        c.failPending(reason);
        outbox.resume(); // publishes held back while the channel was unwritable now fail at once: nothing else drains them
        if (closed || parked) {
            if (wasUp) {
                LOG.log(Level.INFO, "disconnected from MQTT broker {0} ({1})", options.address(), reason);
                notifyConnection(false);
            }
            return;
        }
        if (wasUp) {
            LOG.log(Level.WARNING, "connection to MQTT broker {0} lost: {1}; reconnecting", options.address(), reason);
            notifyConnection(false);
            reportedReason = reason;
            backoff.connectionLost(System.nanoTime() - c.upSinceNanos);
        } else if (!reason.equals(reportedReason)) {
            // once per outage and per new reason, without a stack trace: the reason says what to fix
            LOG.log(Level.WARNING, "cannot connect to MQTT broker {0}: {1}; retrying with backoff up to {2}",
                    options.address(), reason, options.reconnectMax());
            reportedReason = reason;
        } else {
            LOG.log(Level.DEBUG, "connection attempt to MQTT broker {0} failed: {1}", options.address(), reason);
        }
        reconnectTask = loop.schedule(this::connect, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    /** The connection's CONNACK accepted it and its re-subscriptions are answered. */
    void connectionUp(BrokerConnection c) {
        c.up = true;
        c.upSinceNanos = System.nanoTime();
        connected = true;
        reportedReason = null;
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

    /**
     * A message from the broker, its topic taken back through the template; one that does not fit it (nor this
     * gateway) is dropped, counted, and acknowledged.
     */
    void deliver(String topic, byte[] payload, int qos, boolean retain, Runnable taken) {
        TopicTemplate.Reversed reversed = protocol.topicTemplate().reverse(topic, protocol.gatewayId());
        if (reversed == null) {
            counters.increment(BridgeCounters.UNMAPPED_DROPPED);
            LOG.log(Level.DEBUG, "dropped a message for ''{0}'': outside the topic template {1}", topic,
                    protocol.topicTemplate());
            taken.run();
            return;
        }
        ClientRef client = owner != null ? owner.client()
                : reversed.clientId() != null ? new ClientRef(reversed.clientId(), null) : null;
        try {
            listener.onMessage(new UpstreamMessage(reversed.topic(), payload, qos, retain, client), taken);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upstream listener failed on a message for '" + topic + "'", e);
        }
    }

    /** Whether the next CONNECT asks for a clean session: only the first, and only when configured so. */
    boolean cleanStart() {
        return options.cleanSession() && !resuming;
    }

    /**
     * Transparent mode, the sensor went to sleep: DISCONNECT (so the broker keeps its session and queues for it)
     * and no reconnecting until {@link #resume()}. Subscriptions stay in the table.
     */
    void park() {
        if (closed || parked) {
            return;
        }
        parked = true;
        resuming = true;
        stopConnecting(true);
    }

    /** The parked session connects again, continuing its session at the broker. */
    void resume() {
        if (closed || !parked) {
            return;
        }
        parked = false;
        reportedReason = null;
        connect();
    }

    /** Transparent mode, the sensor was lost: the connection is dropped without DISCONNECT, so the broker publishes the will. */
    void abort() {
        closed = true;
        stopConnecting(false);
    }

    private void stopConnecting(boolean disconnect) {
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        BrokerConnection c = connection;
        if (c != null) {
            if (disconnect) {
                c.disconnect();
            } else if (c.channel != null) {
                c.close("sensor lost");
            }
            connectionEnded(c, disconnect ? "sensor asleep" : "sensor lost");
        }
    }

    /** Sends DISCONNECT when connected, closes the connection, stops reconnecting. */
    void shutdown() {
        closed = true;
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        BrokerConnection c = connection;
        if (c != null) {
            c.disconnect();
            connectionEnded(c, "bridge closed");
        }
    }
}
