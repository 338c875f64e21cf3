package io.sngw.it;

import io.sngw.deploy.GatewayApp;
import io.sngw.deploy.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SEARCHGW → GWINFO, and the periodic ADVERTISE broadcast, end to end on real UDP sockets. */
class DiscoveryTest extends SharedBrokerTest {
    private static final int GATEWAY_ID = 7;
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    @Test
    void searchGwIsAnsweredWithGwInfoToTheSearchingAddress() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(broker.url(),
                GatewayUnderTest.options().withGatewayId(GATEWAY_ID));
             Sensor searcher = gateway.sensor()) {
            searcher.sendBytes(new byte[] {0x03, 0x01, 0x01});
            assertArrayEquals(new byte[] {0x03, 0x02, GATEWAY_ID}, searcher.receiveBytes(Sensor.WAIT));
        }
    }

    @Test
    void searchGwWithAnyRadiusIsAnsweredAndNeedsNoSession() {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(broker.url(),
                GatewayUnderTest.options().withGatewayId(GATEWAY_ID));
             Sensor searcher = gateway.sensor(); Sensor other = gateway.sensor()) {
            searcher.sendBytes(new byte[] {0x03, 0x01, 0x00});
            assertArrayEquals(new byte[] {0x03, 0x02, GATEWAY_ID}, searcher.receiveBytes(Sensor.WAIT));
            searcher.sendBytes(new byte[] {0x03, 0x01, 0x03});
            assertArrayEquals(new byte[] {0x03, 0x02, GATEWAY_ID}, searcher.receiveBytes(Sensor.WAIT));
            // The answer goes to the searcher only: a sensor that did not search hears nothing.
            other.expectNothing(Duration.ofMillis(300));
        }
    }

    @Test
    void advertiseIsBroadcastEveryIntervalWithTheGatewayIdAndDuration() throws IOException {
        try (DatagramSocket listener = broadcastListener();
             GatewayUnderTest gateway = GatewayUnderTest.start(broker.url(),
                     GatewayUnderTest.options().withGatewayId(GATEWAY_ID).withAdvertiseInterval(Duration.ofSeconds(1)),
                     broadcastAddress(listener))) {
            List<byte[]> adverts = receiveAll(listener, 2, Duration.ofMillis(3500));
            assertTrue(adverts.size() >= 2, "expected at least 2 ADVERTISE within 3.5 s, got " + adverts.size());
            for (byte[] advert : adverts) {
                assertEquals("05 00 07 00 01", HEX.formatHex(advert));
            }
        }
    }

    @Test
    void theDeployedGatewayAdvertisesAtStartUpWithTheIntervalAsDuration() throws IOException {
        // Through GatewayApp, the production wiring: with T_ADV at 15 minutes, an ADVERTISE lost at start-up
        // leaves every sleeping sensor without a gateway for a quarter of an hour.
        try (DatagramSocket listener = broadcastListener()) {
            GatewayConfig d = GatewayConfig.defaults();
            GatewayConfig config = d.withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, broadcastAddress(listener)))
                    .withUpstream(d.upstream().withUrl(broker.url()))
                    .withStore(d.store().withDir(GatewayConfig.NO_STORE))
                    .withAdvertise(new GatewayConfig.AdvertiseSettings(Duration.ofSeconds(900), false));
            try (GatewayApp app = new GatewayApp(config)) {
                app.start();
                List<byte[]> adverts = receiveAll(listener, 1, Duration.ofSeconds(3));
                assertEquals(1, adverts.size(), "expected an ADVERTISE at start-up");
                assertEquals("05 00 " + HEX.toHexDigits((byte) config.gateway().id()) + " 03 84",
                        HEX.formatHex(adverts.get(0)));
            }
        }
    }

    @Test
    void noAdvertiseIsSentWhenTheIntervalIsZero() throws IOException {
        try (DatagramSocket listener = broadcastListener();
             GatewayUnderTest gateway = GatewayUnderTest.start(broker.url(),
                     GatewayUnderTest.options().withGatewayId(GATEWAY_ID).withAdvertiseInterval(Duration.ZERO),
                     broadcastAddress(listener))) {
            listener.setSoTimeout(1500);
            byte[] buffer = new byte[512];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            byte[] got = null;
            try {
                listener.receive(packet);
                got = Arrays.copyOf(packet.getData(), packet.getLength());
            } catch (SocketTimeoutException expected) {
                // nothing broadcast: right
            }
            assertNull(got, () -> "expected no broadcast, got " + HEX.formatHex(Arrays.copyOf(packet.getData(), packet.getLength())));
        }
    }

    @Test
    void searchGwIsNotAnsweredOnTheBroadcastAddress() throws IOException {
        try (DatagramSocket listener = broadcastListener();
             GatewayUnderTest gateway = GatewayUnderTest.start(broker.url(),
                     GatewayUnderTest.options().withGatewayId(GATEWAY_ID), broadcastAddress(listener));
             Sensor searcher = gateway.sensor()) {
            // The gateway has no option to broadcast its GWINFO answers: they go to the searcher only.
            searcher.sendBytes(new byte[] {0x03, 0x01, 0x01});
            assertArrayEquals(new byte[] {0x03, 0x02, GATEWAY_ID}, searcher.receiveBytes(Sensor.WAIT));
            assertTrue(receiveAll(listener, 1, Duration.ofMillis(300)).isEmpty(), "nothing broadcast");
        }
    }

    private static DatagramSocket broadcastListener() throws IOException {
        return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static String broadcastAddress(DatagramSocket listener) {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Datagrams arriving within {@code during}, stopping early once {@code enough} have arrived. */
    private static List<byte[]> receiveAll(DatagramSocket socket, int enough, Duration during) throws IOException {
        List<byte[]> got = new ArrayList<>();
        long deadline = System.nanoTime() + during.toNanos();
        byte[] buffer = new byte[512];
        while (got.size() < enough) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int) left);
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                break;
            }
            got.add(Arrays.copyOf(packet.getData(), packet.getLength()));
        }
        return got;
    }
}
