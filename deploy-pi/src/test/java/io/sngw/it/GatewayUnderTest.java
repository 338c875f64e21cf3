package io.sngw.it;

import io.sngw.core.GatewayMetrics;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.security.DeviceRegistry;
import io.sngw.core.store.OutboundOptions;
import io.sngw.core.store.Store;
import io.sngw.core.store.StoreAndForwardUpstream;
import io.sngw.deploy.GatewayApp;
import io.sngw.deploy.GatewayConfig;
import io.sngw.deploy.MapDeviceRegistry;
import io.sngw.transport.udp.UdpTransport;
import io.sngw.transport.udp.dtls.DtlsStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The real gateway, assembled by {@link GatewayApp} as deployed (UDP and DTLS transports → core → store-and-forward →
 * MQTT bridge) from a {@link GatewayConfig} for tests: loopback on ephemeral ports, a test broker's url, the store in
 * a test's directory (or none), T_retry 300 ms. Public for the load generator's test.
 */
public final class GatewayUnderTest implements AutoCloseable {
    static final Map<Integer, String> PREDEFINED = Map.of(1, "sensors/temp", 5, "predef/five");

    /** Test timing: T_retry 300 ms and N_retry 2, so that retry and give-up tests take about a second. */
    static GatewayOptions options() {
        return GatewayOptions.defaults()
                .withPredefinedTopics(PREDEFINED)
                .withRetry(Duration.ofMillis(300), 2)
                .withSessionLoops(2);
    }

    private final GatewayApp app;
    private final UdpTransport udp;

    private GatewayUnderTest(GatewayApp app) {
        this.app = app;
        this.udp = app.udpTransport();
    }

    /**
     * The configuration of a gateway under test.
     *
     * @param storeDir        a SQLite store there and store-and-forward (ack after-store), as deployed; null: none
     * @param outboundOptions the durable queue's bounds (with a store)
     * @param dtls            a DTLS listener too, PSK suites from the device registry
     */
    static GatewayConfig config(String brokerUrl, GatewayOptions options, String broadcast, Path storeDir,
                                OutboundOptions outboundOptions, boolean requireAuth, boolean dtls) {
        GatewayConfig d = GatewayConfig.defaults();
        GatewayConfig.UpstreamSettings u = d.upstream();
        // A client id of its own (tests share a broker), no retained status line among what tests count, a clean
        // session, and QoS 0 not stamped stale after 100 ms on a loaded test machine.
        GatewayConfig.UpstreamSettings upstream = new GatewayConfig.UpstreamSettings(brokerUrl,
                "sngw-test-" + System.nanoTime(), null, null, u.keepAlive(), u.connectTimeout(), u.reconnectMin(),
                u.reconnectMax(), u.maxInflight(), u.embeddedBind(), 0, true, null, u.tls(), null, u.protocol(),
                Duration.ofMinutes(1));
        OutboundOptions q = outboundOptions != null ? outboundOptions : OutboundOptions.defaults();
        GatewayConfig.StoreSettings store = new GatewayConfig.StoreSettings(
                storeDir == null ? GatewayConfig.NO_STORE : storeDir.toString(), true, false, q.maxMessages(),
                q.maxBytes(), q.maxAge(), q.window(), q.maxQos0Offline(), q.writeDelay(), q.maxLag());
        return d.withCoreOptions(options)
                .withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, broadcast))
                .withDtls(d.dtls().withEnabled(dtls).withBind("127.0.0.1", 0))
                .withUpstream(upstream)
                .withStore(store)
                .withSecurity(new GatewayConfig.SecuritySettings(requireAuth))
                .withHttp(d.http().withPort(0)); // the operator's endpoint too, as deployed, on a port of its own
    }

    /** Starts {@code config} and waits for the bridge to connect; {@code devices} as for {@link GatewayApp}. */
    static GatewayUnderTest start(GatewayConfig config, DeviceRegistry devices) {
        GatewayApp app = new GatewayApp(config, devices);
        try {
            app.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await("the bridge to connect to " + config.upstream().url(), app::brokerConnected);
        return new GatewayUnderTest(app);
    }

    private static GatewayUnderTest start(String brokerUrl, GatewayOptions options, String broadcast, Path storeDir,
                                          OutboundOptions outboundOptions, boolean requireAuth, boolean dtls,
                                          DeviceRegistry devices) {
        return start(config(brokerUrl, options, broadcast, storeDir, outboundOptions, requireAuth, dtls), devices);
    }

    static GatewayUnderTest startDurable(String brokerUrl, Path storeDir) {
        return startDurable(brokerUrl, storeDir, OutboundOptions.defaults());
    }

    static GatewayUnderTest startDurable(String brokerUrl, Path storeDir, OutboundOptions outbound) {
        return start(brokerUrl, options(), null, storeDir, outbound, false, false, null);
    }

    /** Durable, and admitting only the devices in the store's registry ({@link #devices()}), with their ACLs. */
    static GatewayUnderTest startWithAuth(String brokerUrl, Path storeDir) {
        return start(brokerUrl, options(), null, storeDir, null, true, false, null);
    }

    /** With a DTLS listener too (on an ephemeral loopback port), no store, these PSKs by identity (= client id). */
    static GatewayUnderTest startWithDtls(String brokerUrl, Map<String, byte[]> psks) {
        MapDeviceRegistry devices = new MapDeviceRegistry();
        psks.forEach((identity, key) -> devices.with(identity, key, true));
        return start(brokerUrl, options(), null, null, null, false, true, devices);
    }

    /**
     * DTLS and authentication as deployed: the store's registry admits devices and gives the DTLS listener its PSKs
     * (enabled devices only).
     */
    static GatewayUnderTest startWithDtlsAndAuth(String brokerUrl, Path storeDir) {
        return start(brokerUrl, options(), null, storeDir, null, true, true, null);
    }

    static GatewayUnderTest start(String brokerUrl) {
        return start(brokerUrl, options());
    }

    public static GatewayUnderTest start(String brokerUrl, GatewayOptions options) {
        return start(brokerUrl, options, null);
    }

    static GatewayUnderTest start(String brokerUrl, GatewayOptions options, String broadcast) {
        return start(brokerUrl, options, broadcast, null, null, false, false, null);
    }

    /** The DTLS listener's counters; null unless started with DTLS. */
    DtlsStats dtlsStats() {
        return app.dtlsStats();
    }

    InetSocketAddress dtlsAddress() {
        return app.dtlsAddress();
    }

    /** The durable store, or {@code NoStore}. */
    Store store() {
        return app.store();
    }

    /** The device registry; only with a store (or DTLS keys). */
    DeviceRegistry devices() {
        return app.devices();
    }

    /** The store-and-forward queue; null without a store. */
    StoreAndForwardUpstream outbound() {
        return app.outbound();
    }

    public InetSocketAddress address() {
        return app.udpAddress();
    }

    Sensor sensor() {
        return new Sensor(address());
    }

    /** Whether the UDP listener reads {@code source} on its flooders' socket now (false where it cannot steer). */
    boolean readsApartAsAFlooder(InetSocketAddress source) {
        return udp.isQuarantined(source);
    }

    boolean steersFlooders() {
        return udp.steersFlooders();
    }

    /** What the kernel dropped on each of the UDP listener's sockets so far (Linux; empty elsewhere). */
    java.util.List<Long> kernelDrops() {
        return udp.kernelDrops();
    }

    GatewayMetrics metrics() {
        return app.coreMetrics();
    }

    /** Sessions the gateway holds, connected or not. */
    int sessionCount() {
        return app.sessionsHeld();
    }

    boolean brokerConnected() {
        return app.brokerConnected();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
