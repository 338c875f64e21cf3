package io.sngw.it;

import io.sngw.bridge.mqtt.BridgeOptions;
import io.sngw.bridge.mqtt.MqttBridge;
import io.sngw.core.Gateway;
import io.sngw.core.GatewayMetrics;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.security.AccessPolicy;
import io.sngw.core.security.DeviceRegistry;
import io.sngw.core.store.NoStore;
import io.sngw.core.store.OutboundOptions;
import io.sngw.core.store.Store;
import io.sngw.core.store.StoreAndForwardUpstream;
import io.sngw.deploy.GatewayApp;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.transport.udp.UdpOptions;
import io.sngw.transport.udp.UdpTransport;
import io.sngw.transport.udp.dtls.DtlsOptions;
import io.sngw.transport.udp.dtls.DtlsTransport;
import io.sngw.transport.udp.dtls.PskLookup;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The real gateway, wired as deploy-pi wires it: UDP transport → core → MQTT bridge, on an ephemeral loopback
 * port, against a real broker.
 */
final class GatewayUnderTest implements AutoCloseable {
    static final Map<Integer, String> PREDEFINED = Map.of(1, "sensors/temp", 5, "predef/five");

    /** Test timing: T_retry 300 ms and N_retry 2, so that retry and give-up tests take about a second. */
    static GatewayOptions options() {
        return GatewayOptions.defaults()
                .withPredefinedTopics(PREDEFINED)
                .withRetry(Duration.ofMillis(300), 2)
                .withSessionLoops(2);
    }

    private final MqttBridge bridge;
    private final Store store;
    private final StoreAndForwardUpstream outbound;
    private final Gateway gateway;
    private final UdpTransport udp;
    private final DtlsTransport dtls;

    /** With {@code storeDir}: a SQLite store there and store-and-forward (ack after-store), as deployed. */
    private GatewayUnderTest(String brokerUrl, GatewayOptions options, String broadcast, Path storeDir,
                             OutboundOptions outboundOptions, boolean requireAuth, DtlsOptions dtlsOptions,
                             PskLookup pskLookup) {
        bridge = new MqttBridge(BridgeOptions.fromUrl(brokerUrl, "sngw-test-" + System.nanoTime()));
        if (storeDir == null) {
            store = NoStore.INSTANCE;
            outbound = null;
            gateway = new Gateway(options, bridge);
        } else {
            SqliteStore sqlite = SqliteStore.open(storeDir);
            store = sqlite;
            outbound = new StoreAndForwardUpstream(bridge, store, outboundOptions, store.load().outbound());
            gateway = new Gateway(options, outbound, store, new AccessPolicy(sqlite, requireAuth));
        }
        udp = new UdpTransport(new UdpOptions("127.0.0.1", 0, broadcast, 1 << 20, 1 << 20), gateway);
        // Without a lookup of its own, the DTLS listener takes its PSKs from the store's registry, as deployed.
        PskLookup psks = pskLookup != null || !(store instanceof DeviceRegistry registry) ? pskLookup
                : PskLookup.of(registry);
        dtls = dtlsOptions == null ? null : new DtlsTransport(dtlsOptions, psks, gateway);
        if (store instanceof DeviceRegistry registry) {
            GatewayApp.followDeviceChanges(registry, gateway, dtls);
        }
        gateway.attach(udp);
        gateway.start();
        udp.start();
        if (dtls != null) {
            gateway.attach(dtls);
            dtls.start();
        }
        await("the bridge to connect to " + brokerUrl, bridge::isConnected);
    }

    private GatewayUnderTest(String brokerUrl, GatewayOptions options, String broadcast) {
        this(brokerUrl, options, broadcast, null, null, false, null, null);
    }

    static GatewayUnderTest startDurable(String brokerUrl, Path storeDir) {
        return startDurable(brokerUrl, storeDir, OutboundOptions.defaults());
    }

    static GatewayUnderTest startDurable(String brokerUrl, Path storeDir, OutboundOptions outbound) {
        return new GatewayUnderTest(brokerUrl, options(), null, storeDir, outbound, false, null, null);
    }

    /** Durable, and admitting only the devices in the store's registry ({@link #devices()}), with their ACLs. */
    static GatewayUnderTest startWithAuth(String brokerUrl, Path storeDir) {
        return new GatewayUnderTest(brokerUrl, options(), null, storeDir, OutboundOptions.defaults(), true, null, null);
    }

    /** With a DTLS listener too (on an ephemeral loopback port), its PSKs from {@code pskLookup}. */
    static GatewayUnderTest startWithDtls(String brokerUrl, DtlsOptions dtlsOptions, PskLookup pskLookup) {
        return new GatewayUnderTest(brokerUrl, options(), null, null, null, false, dtlsOptions, pskLookup);
    }

    /**
     * DTLS and authentication as deployed: the store's registry admits devices and gives the DTLS listener its PSKs
     * (enabled devices only).
     */
    static GatewayUnderTest startWithDtlsAndAuth(String brokerUrl, Path storeDir, DtlsOptions dtlsOptions) {
        return new GatewayUnderTest(brokerUrl, options(), null, storeDir, OutboundOptions.defaults(), true,
                dtlsOptions, null);
    }

    /** The DTLS listener; null unless started with DTLS. */
    DtlsTransport dtls() {
        return dtls;
    }

    InetSocketAddress dtlsAddress() {
        return dtls.localAddress();
    }

    /** The durable store, or {@link NoStore}. */
    Store store() {
        return store;
    }

    /** The device registry; only with a store. */
    DeviceRegistry devices() {
        return (DeviceRegistry) store;
    }

    /** The store-and-forward queue; null without a store. */
    StoreAndForwardUpstream outbound() {
        return outbound;
    }

    static GatewayUnderTest start(String brokerUrl) {
        return new GatewayUnderTest(brokerUrl, options(), null);
    }

    static GatewayUnderTest start(String brokerUrl, GatewayOptions options) {
        return new GatewayUnderTest(brokerUrl, options, null);
    }

    static GatewayUnderTest start(String brokerUrl, GatewayOptions options, String broadcast) {
        return new GatewayUnderTest(brokerUrl, options, broadcast);
    }

    InetSocketAddress address() {
        return udp.localAddress();
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
        return gateway.metrics();
    }

    /** Sessions the gateway holds, connected or not. */
    int sessionCount() {
        return gateway.sessionCount();
    }

    boolean brokerConnected() {
        return bridge.isConnected();
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
        if (dtls != null) {
            dtls.close();
        }
        udp.close();
        gateway.close();
        store.close();
    }
}
