package io.sngw.deploy;

import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.DtlsCredentials;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.TestPki;
import io.sngw.transport.udp.dtls.HandshakeFailure;
import io.sngw.transport.udp.dtls.PskLookup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DTLS wiring of GatewayApp: the listener from the dtls section, PSKs from the device registry. */
class GatewayAppDtlsTest {
    private static final byte[] KEY = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Plain UDP off, DTLS on with PSK suites, all on free loopback ports. */
    private static GatewayConfig dtlsOnly() {
        GatewayConfig d = GatewayConfig.defaults();
        return d.withUdp(new GatewayConfig.UdpSettings(false, "127.0.0.1", 0, null))
                .withDtls(d.dtls().withEnabled(true).withBind("127.0.0.1", 0))
                .withUpstream(d.upstream().withEmbedded("127.0.0.1", 0))
                .withPredefinedTopics(Map.of(1, "sensors/temp"))
                // In memory: these tests give the registry themselves, or none.
                .withStore(d.store().withDir(GatewayConfig.NO_STORE));
    }

    private static MqttSnClient client(InetSocketAddress dtls, DtlsCredentials credentials) {
        return MqttSnClient.overDtls(dtls, credentials, ClientOptions.defaults().withTimeout(WAIT));
    }

    @Test
    void aDtlsOnlyGatewayAuthenticatesSensorsFromTheDeviceRegistry() throws Exception {
        MapDeviceRegistry devices = new MapDeviceRegistry().with("reg-sensor", KEY, true).with("off-sensor", KEY, false);
        try (GatewayApp app = new GatewayApp(dtlsOnly(), devices)) {
            assertNull(app.start(), "no plain UDP listener");
            assertNull(app.udpAddress());
            InetSocketAddress dtls = app.dtlsAddress();
            try (BrokerProbe probe = new BrokerProbe(app.upstreamUrl());
                 MqttSnClient sensor = client(dtls, DtlsCredentials.psk("reg-sensor", KEY))) {
                probe.subscribe("sensors/#", 1);
                assertEquals(ReturnCode.ACCEPTED, sensor.connect("reg-sensor", 60, true).returnCode());
                sensor.publish(new TopicRef.Predefined(1), 1, false, "sealed".getBytes(StandardCharsets.UTF_8));
                assertEquals("sealed", probe.awaitMessages(1, WAIT).get(0).payloadString());
            }

            assertThrows(UncheckedIOException.class, () -> client(dtls, DtlsCredentials.psk("off-sensor", KEY)));
            // The gateway counts the failure after sending its alert: the client may hear the alert first.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (app.dtlsStats().handshakesFailed(HandshakeFailure.UNKNOWN_IDENTITY) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, app.dtlsStats().handshakesFailed(HandshakeFailure.UNKNOWN_IDENTITY));
            assertEquals(1, app.dtlsStats().handshakesCompleted());
        }
    }

    @Test
    void pskSuitesWithoutADeviceRegistryRefuseToStartAndLeaveNothingBehind() throws Exception {
        GatewayApp app = new GatewayApp(dtlsOnly());
        IllegalStateException e = assertThrows(IllegalStateException.class, app::start);
        assertTrue(e.getMessage().contains("no device registry"), e.getMessage());
        assertTrue(app.awaitClosed(10, TimeUnit.SECONDS));
        assertNull(app.dtlsAddress());
    }

    @Test
    void certificateSuitesNeedNoRegistry() throws Exception {
        TestPki pki = TestPki.create(dir, "app-ca");
        TestPki.Issued gw = pki.server("gateway");
        GatewayConfig c = dtlsOnly();
        c = c.withDtls(c.dtls().withSuites(false, gw.chainPem(), gw.keyPem(), null));
        try (GatewayApp app = new GatewayApp(c)) {
            app.start();
            try (MqttSnClient sensor = client(app.dtlsAddress(), DtlsCredentials.anonymous(pki.ca()))) {
                assertEquals(ReturnCode.ACCEPTED, sensor.connect("anonymous-sensor", 60, true).returnCode());
            }
        }
    }

    @Test
    void bothListenersSideBySideAndBothClosed() throws Exception {
        GatewayConfig c = dtlsOnly().withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, null));
        GatewayApp app = new GatewayApp(c, new MapDeviceRegistry().with("reg-sensor", KEY, true));
        InetSocketAddress udp = app.start();
        InetSocketAddress dtls = app.dtlsAddress();
        try (MqttSnClient plain = new MqttSnClient(udp, ClientOptions.defaults().withTimeout(WAIT));
             MqttSnClient sealed = client(dtls, DtlsCredentials.psk("reg-sensor", KEY))) {
            assertEquals(ReturnCode.ACCEPTED, plain.connect("plain-sensor", 60, true).returnCode());
            assertEquals(ReturnCode.ACCEPTED, sealed.connect("reg-sensor", 60, true).returnCode());
        }
        app.close();
        try (DatagramSocket again = new DatagramSocket(dtls)) {
            assertEquals(dtls.getPort(), again.getLocalPort(), "the DTLS port is free again");
        }
    }

    @Test
    void thePskLookupHandsOutCopiesOfEnabledDevicesKeysOnly() {
        MapDeviceRegistry devices = new MapDeviceRegistry().with("on", KEY, true).with("off", KEY, false)
                .with("keyless", null, true).with("empty", new byte[0], true);
        PskLookup lookup = PskLookup.of(devices);

        byte[] key = lookup.pskFor("on");
        assertArrayEquals(KEY, key);
        assertNotSame(devices.find("on").orElseThrow().psk(), key);
        assertNull(lookup.pskFor("off"));
        assertNull(lookup.pskFor("keyless"));
        assertNull(lookup.pskFor("empty"));
        assertNull(lookup.pskFor("nobody"));
    }
}
