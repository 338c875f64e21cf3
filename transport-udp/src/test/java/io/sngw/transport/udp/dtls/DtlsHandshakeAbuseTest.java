package io.sngw.transport.udp.dtls;

import io.sngw.testing.OpenSslDtlsClient;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.sngw.transport.udp.dtls.DtlsPskTest.receive;
import static io.sngw.transport.udp.dtls.DtlsPskTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DTLS listener under handshake abuse (issue 14), on loopback with bounded, self-stopping attacks: half-open
 * handshakes (a ClientHello with a valid cookie, then silence) cannot lock new sensors out, and a flood of spoofed
 * ClientHellos does not cost an established session its records. Attackers use other loopback addresses (127.0.0.2
 * and up) than the sensors (127.0.0.1), as they would be other hosts.
 */
class DtlsHandshakeAbuseTest extends DtlsFixture {
    private final List<DatagramSocket> attackers = new ArrayList<>();

    /** Opens a handshake from {@code host} that passes the cookie exchange and then says nothing more. */
    private void halfOpen(String host, InetSocketAddress target) throws Exception {
        DatagramSocket socket = closeLater(new DatagramSocket(new InetSocketAddress(host, 0)));
        socket.setSoTimeout((int) WAIT.toMillis());
        attackers.add(socket);
        byte[] random = new byte[32];
        random[0] = (byte) attackers.size();
        random[1] = (byte) (attackers.size() >> 8);
        send(socket, target, ClientHellos.clientHello(random, new byte[0], 0));
        byte[] cookie = ClientHellos.cookieOf(receive(socket));
        send(socket, target, ClientHellos.clientHello(random, cookie, 1));
    }

    @Test
    void halfOpenHandshakesFromOneAddressDoNotLockOutANewSensor() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(false));
        int attempts = DtlsOptions.DEFAULT_MAX_HANDSHAKES + 8;
        for (int i = 0; i < attempts; i++) {
            halfOpen("127.0.0.2", target(dtls));
        }
        await("the half-open handshakes to be started", () -> dtls.stats().handshakesStarted() == attempts);

        connectedPsk(target(dtls), "sensor-1", KEY_1);

        // Served while the attacker's handshakes still hold their slots: nobody waited for them to time out.
        assertEquals(0, dtls.stats().handshakesFailed(HandshakeFailure.TIMEOUT));
        assertTrue(dtls.stats().handshakesEvicted() >= 1, "an excess half-open handshake gave way");
    }

    @Test
    void aSensorThatWasHereBeforeIsServedWhileHalfOpenHandshakesFromManyAddressesFillTheListener() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(false));
        connectedPsk(target(dtls), "sensor-1", KEY_1).close();
        int attackersCount = DtlsOptions.DEFAULT_MAX_HANDSHAKES * 2;
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < attackersCount; i++) {
            String host = "127.0.1." + (i + 1); // one address each: none of them over its fair share
            hosts.add(host);
            halfOpen(host, target(dtls));
        }
        await("the half-open handshakes to be started or refused", () -> dtls.stats().handshakesStarted()
                + dtls.stats().clientHellosDroppedBusy() >= 1 + attackersCount);
        assertTrue(dtls.stats().clientHellosDroppedBusy() > 0, "the new addresses filled their share of the slots");

        connectedPsk(target(dtls), "sensor-1", KEY_1);

        assertEquals(0, dtls.stats().handshakesFailed(HandshakeFailure.TIMEOUT));
    }

    @Test
    void halfOpenHandshakesGiveWayOnceTheyHaveBeenSilentForAWhile() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withMaxHandshakes(1), new Recorder(false));
        halfOpen("127.0.0.2", target(dtls));
        await("the silent handshake to start", () -> dtls.stats().handshakesActive() == 1);

        connectedPsk(target(dtls), "sensor-1", KEY_1); // openssl resends its ClientHello until it gets the slot

        assertEquals(1, dtls.stats().handshakesEvicted());
        assertEquals(0, dtls.stats().handshakesFailed(HandshakeFailure.TIMEOUT));
    }

    @Test
    void anEstablishedSessionKeepsItsRecordsDuringASpoofedClientHelloFlood() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(true));
        OpenSslDtlsClient sensor = connectedPsk(target(dtls), "sensor-1", KEY_1);
        DatagramSocket flooder = closeLater(new DatagramSocket(new InetSocketAddress("127.0.0.2", 0)));
        byte[] hello = ClientHellos.clientHello(new byte[32], new byte[0], 0);


        int floodDatagrams = 50_000;
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < floodDatagrams; i++) {
                    send(flooder, target(dtls), hello);
                    if (i % 10 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (Exception e) {
                // the socket closed under it: the test is over
            }
        }, "clienthello-flood");
        flood.start();
        await("the flood to be under way", () -> dtls.stats().clientHellosShed() > 0);

        for (int i = 0; i < 5; i++) {
            sensor.write(ascii("reading-" + i));
            assertTrue(sensor.awaitOutput("reading-" + i, WAIT), "record " + i + " went through and back: " + dtls.stats()
                    + " shed " + dtls.stats().clientHellosShed() + " noPeer " + dtls.stats().recordsDroppedNoPeer()
                    + " queueFull " + dtls.stats().recordsDroppedQueueFull() + " bad " + dtls.stats().recordsDroppedBadRecord());
        }
        flood.join();
        assertTrue(dtls.stats().clientHellosShed() > 0);
    }
}
