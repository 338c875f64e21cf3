package io.sngw.deploy;

import io.sngw.bridge.mqtt.BridgeOptions;
import io.sngw.bridge.mqtt.MqttBridge;
import io.sngw.core.Gateway;
import io.sngw.transport.udp.UdpOptions;
import io.sngw.transport.udp.UdpTransport;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The whole gateway wired from a {@link GatewayConfig}: the embedded broker (when {@code upstream.url} is
 * {@code embedded}), the MQTT bridge, the core and the UDP listener.
 *
 * <p>Started from the inside out, so that nothing receives work before what it hands the work to exists: broker →
 * bridge (started by {@link Gateway#start()}) → gateway → UDP. Closed from the outside in: UDP first, so that no
 * sensor traffic arrives at a closing core, then the gateway, the bridge, the broker.
 */
public final class GatewayApp implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GatewayApp.class.getName());

    private final GatewayConfig config;
    private final CountDownLatch closed = new CountDownLatch(1);

    // guarded by this
    private boolean started;
    private boolean closing;
    private EmbeddedBroker broker;
    private MqttBridge bridge;
    private Gateway gateway;
    private UdpTransport udp;
    private InetSocketAddress udpAddress;
    private String upstreamUrl;

    public GatewayApp(GatewayConfig config) {
        this.config = config;
    }

    /**
     * Starts everything and returns the UDP address the gateway listens on (the real port when udp.port is 0). On
     * failure whatever was started is closed again before the exception propagates.
     *
     * @throws IOException      when the embedded broker cannot listen
     * @throws RuntimeException when the UDP port cannot be bound ({@code UdpBindException}) or a part refuses its
     *                          options
     */
    public synchronized InetSocketAddress start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            BridgeOptions bridgeOptions;
            GatewayConfig.UpstreamSettings up = config.upstream();
            if (up.embedded()) {
                broker = new EmbeddedBroker(up.embeddedBind(), up.embeddedPort());
                int port = broker.start();
                bridgeOptions = bridgeOptions(up, broker.connectHost(), port);
                upstreamUrl = broker.url();
            } else {
                BrokerUrl url = BrokerUrl.parse(up.url());
                bridgeOptions = bridgeOptions(up, url.host(), url.port());
                upstreamUrl = url.toString();
            }
            bridge = new MqttBridge(bridgeOptions);
            gateway = new Gateway(config.toGatewayOptions(), bridge);
            gateway.start();
            GatewayConfig.UdpSettings u = config.udp();
            udp = new UdpTransport(UdpOptions.defaults().withBindAddress(u.bind()).withPort(u.port())
                    .withBroadcastAddress(u.broadcast()), gateway);
            udp.start();
            gateway.attach(udp);
            udpAddress = udp.localAddress();
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
        if (!config.advertise().interval().isZero() && config.udp().broadcast() == null) {
            LOG.log(Level.WARNING, "advertise.interval is " + Durations.format(config.advertise().interval())
                    + " but udp.broadcast is not set: no ADVERTISE will be sent");
        }
        LOG.log(Level.INFO, startupLine());
        return udpAddress;
    }

    private BridgeOptions bridgeOptions(GatewayConfig.UpstreamSettings up, String host, int port) {
        return new BridgeOptions(host, port, false, up.clientId(), up.username(), up.password(), up.keepAlive(),
                up.connectTimeout(), up.reconnectMin(), up.reconnectMax(), up.maxInflight());
    }

    private String startupLine() {
        String upstream = broker != null ? "embedded broker at " + upstreamUrl : upstreamUrl;
        int topics = config.predefinedTopics().size();
        return "sngw " + Version.get() + " started: MQTT-SN on udp " + hostPort(udpAddress) + ", upstream "
                + upstream + " as " + config.upstream().clientId() + ", " + topics + " predefined topic"
                + (topics == 1 ? "" : "s");
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The UDP address listened on; null before a successful start. */
    public synchronized InetSocketAddress udpAddress() {
        return udpAddress;
    }

    /** The broker the bridge connects to, e.g. tcp://127.0.0.1:1883 for the embedded one; null before start. */
    public synchronized String upstreamUrl() {
        return upstreamUrl;
    }

    /** The embedded broker's port, or 0 when the upstream is an external broker or not started. */
    public synchronized int embeddedBrokerPort() {
        return broker == null ? 0 : broker.port();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Waits at most {@code timeout} for {@link #close()}; true when it has finished. */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    /**
     * Stops UDP, the gateway, the bridge and the embedded broker, in that order; idempotent, and safe from a
     * shutdown hook. A part that fails to close is logged and the others are still closed.
     */
    @Override
    public void close() {
        List<Runnable> steps = new ArrayList<>();
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            boolean wasRunning = udpAddress != null;
            if (udp != null) {
                UdpTransport u = udp;
                steps.add(() -> u.close());
            }
            if (gateway != null) {
                Gateway g = gateway;
                steps.add(() -> g.close());
            }
            if (bridge != null) {
                MqttBridge b = bridge;
                steps.add(() -> b.close());
            }
            if (broker != null) {
                EmbeddedBroker eb = broker;
                steps.add(() -> eb.close());
            }
            if (wasRunning) {
                steps.add(() -> LOG.log(Level.INFO, "sngw stopped"));
            }
        }
        try {
            for (Runnable step : steps) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "error while stopping: " + e, e);
                }
            }
        } finally {
            closed.countDown();
        }
    }
}
