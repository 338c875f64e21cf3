package io.sngw.deploy;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wiring, not the protocol: that a started GatewayApp listens on UDP, reaches its broker, and passes one MQTT-SN
 * message through; and that it closes everything, also after a failed start. The protocol itself is tested
 * end to end elsewhere.
 */
class GatewayAppTest {

    @TempDir
    Path dataDir;

    private GatewayConfig onFreePorts() {
        GatewayConfig d = GatewayConfig.defaults();
        return d.withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, null))
                // A QoS 0 reading ages from its arrival, and a cold JVM on a loaded machine may take longer than the
                // default 100 ms for the first: these tests are about the path, not about dropping stale readings.
                .withUpstream(d.upstream().withEmbedded("127.0.0.1", 0).withQos0MaxAge(Duration.ofSeconds(30)))
                .withPredefinedTopics(Map.of(1, "sensors/temp"))
                .withStore(d.store().withDir(dataDir.toString()))
                .withHttp(d.http().withPort(0));
    }

    /** One MQTT-SN exchange over plain UDP: CONNECT → CONNACK, then a QoS 0 PUBLISH to predefined topic 1. */
    private static void sensorPublishes(InetSocketAddress gateway, String payload) throws IOException {
        try (DatagramSocket sensor = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            sensor.setSoTimeout(5000);
            byte[] clientId = "t1".getBytes(StandardCharsets.US_ASCII);
            byte[] connect = new byte[6 + clientId.length];
            connect[0] = (byte) connect.length;
            connect[1] = 0x04;                 // CONNECT
            connect[2] = 0x04;                 // clean session
            connect[3] = 0x01;                 // protocol id
            connect[5] = 60;                   // keep-alive 60 s
            System.arraycopy(clientId, 0, connect, 6, clientId.length);
            sensor.send(new DatagramPacket(connect, connect.length, gateway));
            byte[] buf = new byte[64];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            sensor.receive(in);
            assertEquals("030500", HexFormat.of().formatHex(Arrays.copyOf(buf, in.getLength())), "CONNACK accepted");

            byte[] data = payload.getBytes(StandardCharsets.UTF_8);
            byte[] publish = new byte[7 + data.length];
            publish[0] = (byte) publish.length;
            publish[1] = 0x0C;                 // PUBLISH
            publish[2] = 0x01;                 // QoS 0, predefined topic id
            publish[4] = 0x01;                 // topic id 1
            System.arraycopy(data, 0, publish, 7, data.length);
            sensor.send(new DatagramPacket(publish, publish.length, gateway));
        }
    }

    @Test
    void startsWithTheEmbeddedBrokerAndPassesAPublishThrough() throws Exception {
        try (GatewayApp app = new GatewayApp(onFreePorts())) {
            InetSocketAddress udp = app.start();
            assertNotEquals(0, udp.getPort());
            assertEquals(udp, app.udpAddress());
            assertNotEquals(0, app.embeddedBrokerPort());
            assertEquals("tcp://127.0.0.1:" + app.embeddedBrokerPort(), app.upstreamUrl());
            try (BrokerProbe probe = new BrokerProbe(app.upstreamUrl())) {
                probe.subscribe("sensors/#", 1);
                sensorPublishes(udp, "21.5");
                ProbeMessage m = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
                assertEquals("sensors/temp", m.topic());
                assertArrayEquals("21.5".getBytes(StandardCharsets.UTF_8), m.payload());
            }
        }
    }

    @Test
    void countersCarryTheUdpLinksDropsPerReason() throws Exception {
        try (GatewayApp app = new GatewayApp(onFreePorts())) {
            app.start();
            assertEquals(0L, app.counters().get("udp.shed.before.copy"));
            assertEquals(0L, app.counters().get("udp.kernel.drops"));
        }
    }

    @Test
    void startsWithAnExternalBroker() throws Exception {
        try (MosquittoBroker mosquitto = MosquittoBroker.start()) {
            GatewayConfig c = onFreePorts();
            c = c.withUpstream(c.upstream().withUrl(mosquitto.url()));
            try (GatewayApp app = new GatewayApp(c); BrokerProbe probe = new BrokerProbe(mosquitto.url())) {
                InetSocketAddress udp = app.start();
                assertEquals(0, app.embeddedBrokerPort());
                assertEquals(mosquitto.url(), app.upstreamUrl());
                probe.subscribe("sensors/#", 1);
                sensorPublishes(udp, "ext");
                assertEquals("ext", probe.awaitMessages(1, Duration.ofSeconds(5)).get(0).payloadString());
            }
        }
    }

    @Test
    void closeStopsUdpAndTheBrokerAndIsIdempotent() throws Exception {
        GatewayApp app = new GatewayApp(onFreePorts());
        InetSocketAddress udp = app.start();
        int brokerPort = app.embeddedBrokerPort();
        app.close();
        app.close();
        assertTrue(app.awaitClosed(0, TimeUnit.SECONDS));
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", brokerPort).close());
        // Nobody answers on the UDP port any more: the port can be bound again.
        try (DatagramSocket again = new DatagramSocket(udp)) {
            assertEquals(udp.getPort(), again.getLocalPort());
        }
    }

    @Test
    void aTakenUdpPortFailsTheStartAndClosesTheBrokerAgain() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            GatewayConfig c = onFreePorts().withUdp(new GatewayConfig.UdpSettings("127.0.0.1", taken.getLocalPort(), null));
            GatewayApp app = new GatewayApp(c);
            RuntimeException e = assertThrows(RuntimeException.class, app::start);
            assertTrue(e.getMessage().contains("cannot bind UDP 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertTrue(app.awaitClosed(10, TimeUnit.SECONDS), "a failed start closes what it started");
            assertNull(app.udpAddress());
            int brokerPort = app.embeddedBrokerPort();
            assertThrows(IOException.class, () -> new Socket("127.0.0.1", brokerPort).close());
        }
    }

    @Test
    void startTwiceIsRefused() throws Exception {
        try (GatewayApp app = new GatewayApp(onFreePorts())) {
            app.start();
            assertThrows(IllegalStateException.class, app::start);
        }
    }

    @Test
    void aSecondGatewayOnTheSameStoreDirectoryFailsToStartNamingTheDirectoryAndThePidHoldingIt() throws Exception {
        try (GatewayApp first = new GatewayApp(onFreePorts())) {
            first.start();
            GatewayApp second = new GatewayApp(onFreePorts());
            RuntimeException e = assertThrows(RuntimeException.class, second::start);
            assertTrue(e.getMessage().contains(dataDir + " is in use by another gateway (pid "
                    + ProcessHandle.current().pid() + ")"), e.getMessage());
            assertTrue(second.awaitClosed(10, TimeUnit.SECONDS));
            assertNull(second.upstreamUrl(), "it failed before starting its broker");
        }
    }

    @Test
    void theStoreDirectoryIsFreeForAnotherGatewayOnceTheFirstIsClosed() throws Exception {
        GatewayApp first = new GatewayApp(onFreePorts());
        first.start();
        first.close();
        try (GatewayApp next = new GatewayApp(onFreePorts())) {
            assertNotEquals(0, next.start().getPort());
        }
    }

    @Test
    void gatewaysWithoutAStoreTakeNoLock() throws Exception {
        GatewayConfig inMemory = onFreePorts().withStore(GatewayConfig.defaults().store().withDir(GatewayConfig.NO_STORE));
        try (GatewayApp one = new GatewayApp(inMemory); GatewayApp two = new GatewayApp(inMemory)) {
            one.start();
            two.start();
            assertNotEquals(one.udpAddress(), two.udpAddress());
        }
    }

    @Test
    void closeBeforeStartIsHarmless() throws Exception {
        GatewayApp app = new GatewayApp(onFreePorts());
        app.close();
        assertTrue(app.awaitClosed(0, TimeUnit.SECONDS));
        assertNull(app.udpAddress());
    }
}
