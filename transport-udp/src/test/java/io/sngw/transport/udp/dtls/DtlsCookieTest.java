package io.sngw.transport.udp.dtls;

import io.sngw.testing.OpenSslDtlsClient;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.sngw.transport.udp.dtls.DtlsPskTest.receive;
import static io.sngw.transport.udp.dtls.DtlsPskTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stateless cookie exchange in front of every handshake, and input that is not DTLS at all. */
class DtlsCookieTest extends DtlsFixture {
    private final Random random = new Random(42);

    private DatagramSocket socket() throws Exception {
        DatagramSocket s = closeLater(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
        s.setSoTimeout(2000);
        return s;
    }

    private static void drain(DatagramSocket socket) throws Exception {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(100);
        try {
            while (true) {
                receive(socket);
            }
        } catch (SocketTimeoutException e) {
            socket.setSoTimeout(timeout);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void tenThousandClientHellosWithoutCookieLeaveNoStateAndGetHelloVerifyRequests() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withBuffers(8 << 20, 8 << 20), new Recorder(false));
        List<DatagramSocket> spoofers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            spoofers.add(socket());
        }
        int sent = 0;
        int maxState = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 500; i++) {
                DatagramSocket from = spoofers.get(i % spoofers.size());
                // Half without a cookie, half with a made-up one: neither may start anything.
                byte[] cookie = i % 2 == 0 ? new byte[0] : randomBytes(32);
                send(from, target(dtls), ClientHellos.clientHello(randomBytes(32), cookie, i));
                sent++;
                maxState = Math.max(maxState, dtls.peerCount() + dtls.stats().handshakesActive());
            }
            int expected = sent;
            await("the round to be read", () -> dtls.stats().datagramsIn() == expected);
        }

        assertEquals(10_000, sent);
        assertEquals(0, maxState, "no per-peer state at any time");
        assertEquals(0, dtls.peerCount());
        assertEquals(0, dtls.stats().handshakesStarted());
        // Each one answered statelessly, or, beyond the listener's ClientHello rate, shed before any work.
        assertEquals(10_000, dtls.stats().helloVerifyRequestsSent() + dtls.stats().clientHellosShed());
        assertTrue(dtls.stats().helloVerifyRequestsSent() > 0);
        assertNotNull(ClientHellos.cookieOf(receive(spoofers.get(0))), "the answer is a HelloVerifyRequest");
    }

    @Test
    void onlyTheCookieIssuedToAnAddressStartsAHandshakeThere() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withHandshakeTimeout(Duration.ofMillis(500)),
                new Recorder(false));
        DatagramSocket client = socket();
        DatagramSocket elsewhere = socket();
        byte[] hello = randomBytes(32);
        send(client, target(dtls), ClientHellos.clientHello(hello, new byte[0], 0));
        byte[] cookie = ClientHellos.cookieOf(receive(client));
        assertNotNull(cookie);

        // The same ClientHello with the same cookie from another port: a HelloVerifyRequest, nothing kept.
        send(elsewhere, target(dtls), ClientHellos.clientHello(hello, cookie, 1));
        assertNotNull(ClientHellos.cookieOf(receive(elsewhere)));
        assertEquals(0, dtls.peerCount());
        assertEquals(0, dtls.stats().handshakesStarted());

        // From the address it was issued to, it starts a handshake: the server's first flight comes back.
        send(client, target(dtls), ClientHellos.clientHello(hello, cookie, 1));
        byte[] serverHello = receive(client);
        assertEquals(22, serverHello[0]);
        assertEquals(2, serverHello[13], "a ServerHello");
        assertEquals(1, dtls.stats().handshakesStarted());
        assertEquals(1, dtls.peerCount());

        // The client never answers: the handshake times out and leaves nothing behind.
        await("the handshake to time out", () -> dtls.stats().handshakesFailed(HandshakeFailure.TIMEOUT) == 1);
        assertEquals(0, dtls.peerCount());
        assertEquals(0, dtls.stats().handshakesActive());
    }

    @Test
    void aCookieOutlivesOneSecretRotationButNotTwo() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withHandshakeTimeout(Duration.ofMillis(300)),
                new Recorder(false));
        DatagramSocket client = socket();
        byte[] hello = randomBytes(32);
        send(client, target(dtls), ClientHellos.clientHello(hello, new byte[0], 0));
        byte[] cookie = ClientHellos.cookieOf(receive(client));

        dtls.rotateCookieSecret();
        send(client, target(dtls), ClientHellos.clientHello(hello, cookie, 1));
        assertEquals(2, receive(client)[13], "still valid under the previous secret: a ServerHello");
        await("that handshake to end", () -> dtls.stats().handshakesFailed() == 1);

        drain(client); // resends of that handshake's flight
        dtls.rotateCookieSecret();
        dtls.rotateCookieSecret();
        long before = dtls.stats().helloVerifyRequestsSent();
        send(client, target(dtls), ClientHellos.clientHello(hello, cookie, 2));
        assertNotNull(ClientHellos.cookieOf(receive(client)), "two rotations later: a new cookie is needed");
        assertEquals(before + 1, dtls.stats().helloVerifyRequestsSent());
        assertEquals(1, dtls.stats().handshakesStarted());
    }

    @Test
    void malformedDatagramsAreDroppedAndCountedAndServiceGoesOn() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), core);
        DatagramSocket attacker = socket();
        byte[] valid = ClientHellos.clientHello(randomBytes(32), new byte[0], 0);
        byte[] lengthBeyondData = valid.clone();
        lengthBeyondData[12] = (byte) (lengthBeyondData[12] + 1);
        byte[] trailingGarbage = java.util.Arrays.copyOf(valid, valid.length + 5);
        byte[] notDtls = valid.clone();
        notDtls[1] = 0x03; // TLS, not DTLS
        byte[] connectionId = valid.clone();
        connectionId[0] = 25; // tls12_cid: never negotiated here
        List<byte[]> bad = List.of(new byte[0], new byte[] {22}, java.util.Arrays.copyOf(valid, 12),
                lengthBeyondData, trailingGarbage, notDtls, connectionId, randomBytes(100), randomBytes(1400));

        for (byte[] datagram : bad) {
            send(attacker, target(dtls), datagram);
        }

        await("all to be read", () -> dtls.stats().datagramsIn() == bad.size());
        assertTrue(dtls.stats().recordsDroppedMalformed() >= bad.size() - 1, dtls.stats().toString());
        assertEquals(0, dtls.stats().helloVerifyRequestsSent());
        assertEquals(0, dtls.peerCount());
        assertThrows(SocketTimeoutException.class, () -> receive(attacker), "nothing is answered");

        // Well-framed application data from an address without a session: dropped as "no peer".
        byte[] strayRecord = valid.clone();
        strayRecord[0] = 23;
        send(attacker, target(dtls), strayRecord);
        await("the stray record to be counted", () -> dtls.stats().recordsDroppedNoPeer() == 1);

        OpenSslDtlsClient client = connectedPsk(target(dtls), "sensor-1", KEY_1);
        client.write(CONNECT);
        assertTrue(client.awaitBytes(CONNECT, WAIT));
    }
}
