package io.sngw.transport.udp.dtls;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces of the DTLS listener that need no socket: options, framing, replay window, addresses, identities. */
class DtlsUnitsTest {

    private static void assertRejected(String fragment, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void optionsDefaultsAndLimits() {
        DtlsOptions d = DtlsOptions.defaults();
        assertEquals("0.0.0.0", d.bindAddress());
        assertEquals(8884, d.port());
        assertTrue(d.pskSuites());
        assertNull(d.certificateChain());
        assertEquals(Duration.ofHours(24), d.idleTimeout());
        assertEquals("::", d.withBindAddress("[::]").bindAddress());

        Path pem = Path.of("x.pem");
        assertRejected("port must be 0..65535", () -> d.withPort(65536));
        assertRejected("give both or neither", () -> d.withCertificates(pem, null, null));
        assertRejected("client CA needs the certificate suites", () -> d.withCertificates(null, null, pem));
        assertRejected("PSK suites or a certificate", () -> d.withPskSuites(false));
        assertRejected("handshake timeout", () -> d.withHandshakeTimeout(Duration.ofMillis(10)));
        assertRejected("max handshakes", () -> d.withMaxHandshakes(0));
        assertRejected("max peers", () -> d.withMaxPeers(0));
        assertRejected("idle timeout", () -> d.withIdleTimeout(Duration.ofDays(31)));
        assertRejected("worker threads", () -> d.withWorkerThreads(0));
        assertRejected("bind address must not be empty", () -> d.withBindAddress(" "));
        assertEquals(pem, d.withCertificates(pem, pem, pem).withPskSuites(false).clientCa());
    }

    private static byte[] record(int type, int epoch, long seq, int bodyLength) {
        byte[] r = new byte[13 + bodyLength];
        r[0] = (byte) type;
        r[1] = (byte) 0xFE;
        r[2] = (byte) 0xFD;
        r[3] = (byte) (epoch >>> 8);
        r[4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            r[10 - i] = (byte) (seq >>> (8 * i));
        }
        r[11] = (byte) (bodyLength >>> 8);
        r[12] = (byte) bodyLength;
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        byte[] all = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        return all;
    }

    @Test
    void recordsAreSplitOnlyWhenEveryLengthHolds() {
        byte[] a = record(23, 1, 7, 20);
        byte[] b = record(21, 1, 8, 2);
        List<byte[]> both = Records.split(concat(a, b));
        assertEquals(2, both.size());
        assertArrayEquals(a, both.get(0));
        assertArrayEquals(b, both.get(1));
        assertEquals(1, Records.epoch(a));
        assertEquals(7, Records.sequenceNumber(a));
        assertEquals(0xABCDEF012345L, Records.sequenceNumber(record(23, 1, 0xABCDEF012345L, 0)));

        assertNull(Records.split(new byte[0]));
        assertNull(Records.split(Arrays.copyOf(a, 12)), "a header cut short");
        assertNull(Records.split(Arrays.copyOf(a, a.length - 1)), "a body cut short");
        assertNull(Records.split(concat(a, new byte[] {23, (byte) 0xFE})), "trailing bytes");
        assertNull(Records.split(record(19, 0, 0, 1)), "unknown content type");
        assertNull(Records.split(record(25, 1, 0, 1)), "connection id records are not negotiated");
        byte[] tls = record(23, 1, 0, 1);
        tls[1] = 3;
        assertNull(Records.split(tls), "TLS, not DTLS");
        byte[] huge = record(23, 1, 0, 0);
        huge[11] = (byte) 0xFF;
        huge[12] = (byte) 0xFF;
        assertNull(Records.split(huge), "a length beyond any record");
    }

    @Test
    void clientHellosAreRecognisedWithTheirRandom() {
        byte[] random = new byte[32];
        Arrays.fill(random, (byte) 7);
        byte[] hello = ClientHellos.clientHello(random, new byte[0], 0);
        assertTrue(Records.isClientHello(hello));
        assertArrayEquals(random, Records.clientRandom(hello));
        assertFalse(Records.isClientHello(record(23, 0, 0, 4)));
        byte[] encrypted = hello.clone();
        encrypted[4] = 1; // epoch 1
        assertFalse(Records.isClientHello(encrypted));
        assertNull(Records.clientRandom(Arrays.copyOf(hello, 40)));
    }

    @Test
    void peerAddressesAreEqualOnlyWithTheSameIdentity() {
        InetSocketAddress socket = new InetSocketAddress("127.0.0.1", 5000);
        DtlsPeerAddress a = new DtlsPeerAddress(socket, "sensor-1", null);
        assertEquals(a, new DtlsPeerAddress(new InetSocketAddress("127.0.0.1", 5000), "sensor-1", null));
        assertNotEquals(a, new DtlsPeerAddress(socket, "sensor-2", null), "another identity from the same socket");
        assertNotEquals(a, new io.sngw.transport.udp.UdpAddress(socket));
        assertEquals("sensor-1", a.authenticatedIdentity());
        assertEquals("dtls:127.0.0.1:5000/sensor-1", a.toString());
        assertEquals("dtls:[0:0:0:0:0:0:0:1]:5000", new DtlsPeerAddress(new InetSocketAddress("::1", 5000), null,
                null).toString());
        assertNull(new io.sngw.transport.udp.UdpAddress(socket).authenticatedIdentity(), "plain UDP proves nothing");
    }

    @Test
    void onlyPrintableUtf8IdentitiesOfSensibleLengthAreLookedUp() {
        assertEquals("sensor-1", GatewayTlsServer.decodeIdentity("sensor-1".getBytes(StandardCharsets.UTF_8)));
        assertEquals("Fühler-ß", GatewayTlsServer.decodeIdentity("Fühler-ß".getBytes(StandardCharsets.UTF_8)));
        assertNull(GatewayTlsServer.decodeIdentity(new byte[0]));
        assertNull(GatewayTlsServer.decodeIdentity(new byte[] {(byte) 0xC3, 0x28}), "invalid UTF-8");
        assertNull(GatewayTlsServer.decodeIdentity("a\nb".getBytes(StandardCharsets.UTF_8)), "log injection");
        assertNull(GatewayTlsServer.decodeIdentity(new byte[129]));
        byte[] longest = new byte[128];
        Arrays.fill(longest, (byte) 'x');
        assertEquals(128, GatewayTlsServer.decodeIdentity(longest).length());
    }
}
