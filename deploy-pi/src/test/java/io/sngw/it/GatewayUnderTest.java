package io.sngw.it;

import io.sngw.bridge.mqtt.BridgeOptions;
import io.sngw.bridge.mqtt.MqttBridge;
import io.sngw.core.Gateway;
import io.sngw.core.GatewayMetrics;
import io.sngw.core.config.GatewayOptions;
import io.sngw.transport.udp.UdpOptions;
import io.sngw.transport.udp.UdpTransport;
import io.sngw.transport.udp.dtls.DtlsOptions;
import io.sngw.transport.udp.dtls.DtlsTransport;
import io.sngw.transport.udp.dtls.PskLookup;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The real gateway, wired as deploy-pi wires it: UDP transport (and, when asked, the DTLS listener) → core → MQTT
 * bridge, on ephemeral loopback ports, against a real broker.
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
    private final Gateway gateway;
    private final UdpTransport udp;
    private final DtlsTransport dtls;

    private GatewayUnderTest(String brokerUrl, GatewayOptions options, String broadcast, DtlsOptions dtlsOptions,
                             PskLookup pskLookup) {
        bridge = new MqttBridge(BridgeOptions.fromUrl(brokerUrl, "sngw-test-" + System.nanoTime()));
        gateway = new Gateway(options, bridge);
        udp = new UdpTransport(new UdpOptions("127.0.0.1", 0, broadcast, 1 << 20, 1 << 20), gateway);
        dtls = dtlsOptions == null ? null : new DtlsTransport(dtlsOptions, pskLookup, gateway);
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
        this(brokerUrl, options, broadcast, null, null);
    }

    /** With a DTLS listener too (on an ephemeral loopback port), its PSKs from {@code pskLookup}. */
    static GatewayUnderTest startWithDtls(String brokerUrl, DtlsOptions dtlsOptions, PskLookup pskLookup) {
        return new GatewayUnderTest(brokerUrl, options(), null, dtlsOptions, pskLookup);
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

    /** The DTLS listener; null unless started with {@link #startWithDtls}. */
    DtlsTransport dtls() {
        return dtls;
    }

    InetSocketAddress dtlsAddress() {
        return dtls.localAddress();
    }

    Sensor sensor() {
        return new Sensor(address());
    }

    GatewayMetrics metrics() {
        return gateway.metrics();
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
        udp.close();
        if (dtls != null) {
            dtls.close();
        }
        gateway.close();
    }
}
