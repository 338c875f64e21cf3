package io.sngw.bridge.mqtt;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.SensorConnection;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

/**
 * The upstream port in transparent mode ({@code upstream.mode: transparent}): every connected sensor has an MQTT
 * connection of its own, under a client id from {@code upstream.transparent-client-id}, with its will and its
 * CleanSession; the broker sees the sensors themselves. Beside them the gateway keeps its own connection (an
 * aggregating {@link MqttBridge}): it says whether the broker is reachable (the durable queue drains by it) and
 * carries what belongs to no sensor's open connection (QoS −1 publishes, a sleeping sensor's publish, what the queue
 * still holds of a sensor that left).
 *
 * <h2>A sensor's connection</h2>
 * Opened on its CONNECT ({@link #sensorConnected}), at most {@code maxConnections} at once (beyond, the CONNECT is
 * refused: CONNACK 0x01, congestion, counted in {@value BridgeCounters#CONNECTIONS_REFUSED}). Closed with DISCONNECT
 * when the sensor disconnects; dropped without one when the sensor is lost, so that the broker publishes the will.
 * A sensor with a persistent session (CleanSession false) that goes to sleep has its connection ended with
 * DISCONNECT: the broker keeps its session (MQTT 5: for {@code upstream.session-expiry}) and queues its QoS 1/2
 * messages; on waking, the connection is opened again and what the broker kept reaches the sensor in that wake. A
 * sleeping sensor with a clean session keeps its connection (ending it would end the session), and the gateway keeps
 * its messages as for any sleeper. Publishes and subscriptions that come while a sensor's connection is still being
 * opened wait for it (up to the connect timeout). All sensor connections share one event loop.
 */
public final class TransparentBridge implements Upstream {

    private static final System.Logger LOG = System.getLogger(TransparentBridge.class.getName());

    private final BridgeOptions options;
    private final ProtocolOptions protocol;
    private final String clientIdTemplate;
    private final int maxConnections;
    private final BridgeCounters counters;
    /** What the platform's limits adapted, over the gateway's and every sensor's connection. */
    private final PlatformAdapter platform;
    private final EventLoopGroup sensorLoops;
    private final MqttBridge gateway;
    private final Map<String, SensorLink> sensors = new ConcurrentHashMap<>();
    /** Subscriptions of sessions restored at start, until their sensor's connection is opened. */
    private final Map<String, List<Map.Entry<String, Integer>>> restored = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile UpstreamListener listener;
    private volatile boolean closed;

    /**
     * @param clientIdTemplate the upstream client id of a sensor's connection: {@code {client-id}} and
     *                         {@code {gateway-id}} replaced
     * @param maxConnections   sensor connections open at once
     */
    public TransparentBridge(BridgeOptions options, ProtocolOptions protocol, String clientIdTemplate,
                             int maxConnections) {
        this.options = Objects.requireNonNull(options, "options");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.clientIdTemplate = Objects.requireNonNull(clientIdTemplate, "clientIdTemplate");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
        this.maxConnections = maxConnections;
        this.counters = new BridgeCounters();
        this.sensorLoops = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sngw-upstream-sensors", true),
                BrokerIo.ioHandlerFactory());
        this.platform = new PlatformAdapter(options.limits());
        this.gateway = new MqttBridge(options, protocol, counters, platform, null, null);
    }

    public BridgeCounters counters() {
        return counters;
    }

    /** As {@link MqttBridge#stats()}, over all its connections. */
    public Map<String, Long> stats() {
        return platform.snapshot();
    }

    /** Sensor connections open now (a sleeping sensor's parked one not counted). */
    public int openConnections() {
        return open.get();
    }

    /** The upstream client id of a sensor's connection. */
    public String upstreamClientId(String sensorClientId) {
        return clientIdTemplate.replace("{client-id}", sensorClientId).replace("{gateway-id}", protocol.gatewayId());
    }

    @Override
    public void start(UpstreamListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        gateway.start(listener);
    }

    @Override
    public boolean isConnected() {
        return gateway.isConnected();
    }

    // ---- sensor lifecycle ----

    @Override
    public boolean sensorConnected(SensorConnection connection) {
        if (closed) {
            return false;
        }
        String id = connection.client().clientId();
        SensorLink previous = sensors.remove(id);
        if (previous != null) {
            previous.close(); // a new CONNECT of the same sensor: its new connection replaces the old one
        }
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            counters.increment(BridgeCounters.CONNECTIONS_REFUSED);
            LOG.log(Level.WARNING, "sensor {0} refused: {1} upstream connections open (upstream.max-connections)", id,
                    String.valueOf(maxConnections));
            return false;
        }
        SensorLink link = new SensorLink(connection);
        sensors.put(id, link);
        link.start();
        return true;
    }

    @Override
    public void sensorAsleep(ClientRef client) {
        SensorLink link = sensors.get(client.clientId());
        if (link != null && !link.cleanSession) {
            link.park();
        }
    }

    @Override
    public CompletableFuture<Void> sensorAwake(ClientRef client) {
        SensorLink link = sensors.get(client.clientId());
        return link == null ? CompletableFuture.completedFuture(null) : link.unpark();
    }

    @Override
    public boolean sensorDisconnected(ClientRef client, boolean lost) {
        SensorLink link = sensors.remove(client.clientId());
        if (link == null) {
            return false;
        }
        if (lost && link.bridge.isConnected() && link.hasWill) {
            link.abort();
            return true; // the broker publishes the will when it sees the connection gone
        }
        link.close();
        return false;
    }

    // ---- publishing and subscribing ----

    @Override
    public CompletableFuture<Void> publish(UpstreamMessage message) {
        SensorLink link = message.client() == null ? null : sensors.get(message.client().clientId());
        if (link == null || link.parked) {
            return gateway.publish(message);
        }
        return link.whenUp().thenCompose(v -> link.bridge.publish(message));
    }

    @Override
    public CompletableFuture<Integer> subscribe(ClientRef client, String filter, int qos) {
        SensorLink link = sensors.get(client.clientId());
        if (link == null) {
            return CompletableFuture.failedFuture(new UpstreamUnavailableException(
                    "no upstream connection for sensor " + client.clientId()));
        }
        return link.whenUp().thenCompose(v -> link.bridge.subscribe(client, filter, qos));
    }

    @Override
    public void restoreSubscription(ClientRef client, String filter, int qos) {
        restored.computeIfAbsent(client.clientId(), k -> new ArrayList<>()).add(Map.entry(filter, qos));
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ClientRef client, String filter) {
        SensorLink link = sensors.get(client.clientId());
        if (link == null) {
            return CompletableFuture.completedFuture(null); // its connection is gone: so is what it held there
        }
        return link.bridge.unsubscribe(client, filter).exceptionally(notHeld -> null);
    }

    /** The gateway's own subscriptions (none of a sensor's go through here). */
    @Override
    public CompletableFuture<Integer> subscribe(String filter, int qos) {
        return gateway.subscribe(filter, qos);
    }

    @Override
    public void restoreSubscription(String filter, int qos) {
        gateway.restoreSubscription(filter, qos);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String filter) {
        return gateway.unsubscribe(filter);
    }

    @Override
    public void close() {
        closed = true;
        for (SensorLink link : sensors.values()) {
            link.close();
        }
        sensors.clear();
        gateway.close();
        sensorLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "TransparentBridge[" + options.address() + ", " + open.get() + " sensor connections]";
    }

    /** One sensor's own connection and where it is in the sensor's life. */
    private final class SensorLink implements UpstreamListener {
        final MqttBridge bridge;
        final boolean cleanSession;
        final boolean hasWill;
        final String sensorId;
        private CompletableFuture<Void> up = new CompletableFuture<>();
        private CompletableFuture<Void> woken;
        volatile boolean parked;
        private boolean counted = true;

        SensorLink(SensorConnection c) {
            this.sensorId = c.client().clientId();
            this.cleanSession = c.cleanSession();
            this.hasWill = c.will() != null;
            this.bridge = new MqttBridge(options.forSensor(upstreamClientId(sensorId), c.cleanSession()), protocol,
                    counters, platform, sensorLoops, new BrokerSession.SensorOwner(c.client(), c.will()));
        }

        void start() {
            List<Map.Entry<String, Integer>> subscriptions = restored.remove(sensorId);
            if (subscriptions != null) {
                ClientRef me = new ClientRef(sensorId, null);
                subscriptions.forEach(e -> bridge.restoreSubscription(me, e.getKey(), e.getValue()));
            }
            bridge.start(this);
        }

        /** Completes when the connection is up; fails when it is not within the connect timeout. */
        synchronized CompletableFuture<Void> whenUp() {
            if (bridge.isConnected()) {
                return CompletableFuture.completedFuture(null);
            }
            return up.copy().orTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(new UpstreamUnavailableException(
                            "upstream connection of sensor " + sensorId + " not up: " + e)));
        }

        synchronized void park() {
            if (parked) {
                return;
            }
            parked = true;
            up = new CompletableFuture<>();
            release();
            bridge.park();
        }

        /** The sensor woke: connect again; the future completes once what the broker kept has been handed over. */
        synchronized CompletableFuture<Void> unpark() {
            if (!parked) {
                return CompletableFuture.completedFuture(null);
            }
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                counters.increment(BridgeCounters.CONNECTIONS_REFUSED);
                return CompletableFuture.completedFuture(null); // it stays parked: the broker keeps queueing
            }
            counted = true;
            parked = false;
            woken = new CompletableFuture<>();
            CompletableFuture<Void> result = woken.completeOnTimeout(null, options.connectTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            bridge.resume();
            return result;
        }

        void abort() {
            release();
            bridge.abort();
        }

        void close() {
            release();
            sensorLoops.execute(bridge::close);
        }

        private synchronized void release() {
            if (counted) {
                counted = false;
                open.decrementAndGet();
            }
        }

        @Override
        public void onMessage(UpstreamMessage message, Runnable taken) {
            UpstreamListener target = listener;
            if (target != null) {
                target.onMessage(message, taken);
            }
        }

        /**
         * Up comes after the re-subscriptions are answered, and the broker sends what it kept for the session
         * before those answers: by then the messages of a wake have been handed over.
         */
        @Override
        public synchronized void onConnectionChanged(boolean connected) {
            if (connected) {
                up.complete(null);
                if (woken != null) {
                    woken.complete(null);
                    woken = null;
                }
            } else if (up.isDone()) {
                up = new CompletableFuture<>();
            }
        }
    }
}
