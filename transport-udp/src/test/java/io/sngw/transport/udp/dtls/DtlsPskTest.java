package io.sngw.transport.udp.dtls;

import io.sngw.testing.OpenSslDtlsClient;
import io.sngw.core.link.LinkAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PSK suites against OpenSSL's s_client, an independent DTLS 1.2 implementation. */
class DtlsPskTest extends DtlsFixture {

    @ParameterizedTest
    @CsvSource({"PSK-AES128-CCM8", "PSK-AES128-GCM-SHA256"})
    void openSslCompletesAPskHandshakeAndApplicationDataFlowsBothWays(String cipher) throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), core);
        OpenSslDtlsClient client = closeLater(OpenSslDtlsClient.psk(target(dtls), "sensor-1", KEY_1, cipher));

        assertTrue(client.awaitHandshake(WAIT), client.output());
        assertEquals(cipher, client.cipher());
        assertTrue(client.output().contains("Protocol  : DTLSv1.2"), client.output());
        client.write(CONNECT);

        Recorder.Received r = core.next(WAIT);
        assertArrayEquals(CONNECT, r.message());
        assertEquals(dtls, r.link());
        DtlsPeerAddress from = assertInstanceOf(DtlsPeerAddress.class, r.from());
        assertEquals("sensor-1", from.authenticatedIdentity());
        assertNull(from.certificateFingerprint());
        assertTrue(r.thread().startsWith("sngw-dtls-worker"), r.thread());
        assertTrue(client.awaitBytes(CONNECT, WAIT), "the echo came back decrypted: " + client.output());

        DtlsStats s = dtls.stats();
        await("the echo to be counted", () -> s.messagesOut() == 1); // counted after the datagram is queued
        assertEquals(1, s.helloVerifyRequestsSent(), "the handshake began with the cookie exchange");
        assertEquals(1, s.handshakesCompleted());
        assertEquals(1, s.peersActive());
        assertEquals(1, s.messagesIn());
        assertEquals(0, s.handshakesFailed());
    }

    @Test
    void severalPeersAreServedAtOnceEachUnderItsOwnIdentity() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), core);
        OpenSslDtlsClient one = connectedPsk(target(dtls), "sensor-1", KEY_1);
        OpenSslDtlsClient two = connectedPsk(target(dtls), "sensor-2", KEY_2);

        two.write(ascii("from two"));
        one.write(ascii("from one"));

        assertTrue(one.awaitOutput("from one", WAIT));
        assertTrue(two.awaitOutput("from two", WAIT));
        assertFalse(one.output().contains("from two"));
        assertFalse(two.output().contains("from one"));
        assertEquals(2, dtls.stats().peersActive());
        assertEquals(2, dtls.peerCount());
    }

    @Test
    void unknownIdentityFailsTheHandshakeWhileOtherSensorsAreServed() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), core);
        OpenSslDtlsClient good = connectedPsk(target(dtls), "sensor-1", KEY_1);

        OpenSslDtlsClient stranger = psk(target(dtls), "sensor-9", KEY_1);
        assertTrue(stranger.awaitExit(WAIT), "openssl gives up on the alert");
        assertTrue(stranger.output().contains("unknown psk identity"), stranger.output());
        await("the failure to be counted", () -> dtls.stats().handshakesFailed(HandshakeFailure.UNKNOWN_IDENTITY) == 1);

        good.write(ascii("still here"));
        assertTrue(good.awaitOutput("still here", WAIT));
        assertEquals(1, dtls.stats().peersActive());
        assertEquals(1, dtls.peerCount(), "the failed handshake left nothing behind");
    }

    @Test
    void disabledDeviceIsAnUnknownIdentity() throws Exception {
        keys.remove("sensor-2"); // what the registry adapter answers for a disabled device: null
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(true));

        OpenSslDtlsClient client = psk(target(dtls), "sensor-2", KEY_2);

        assertTrue(client.awaitExit(WAIT));
        await("the failure to be counted", () -> dtls.stats().handshakesFailed(HandshakeFailure.UNKNOWN_IDENTITY) == 1);
    }

    @Test
    void wrongKeyFailsTheHandshakeWhileOtherSensorsAreServed() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withHandshakeTimeout(Duration.ofMillis(1500)),
                core);
        OpenSslDtlsClient good = connectedPsk(target(dtls), "sensor-1", KEY_1);

        OpenSslDtlsClient impostor = psk(target(dtls), "sensor-2", KEY_1);

        // Its Finished does not authenticate, so DTLS drops it without a word: the handshake runs out of time,
        // and the gateway's alert ends the client.
        await("the failure to be counted", () -> dtls.stats().handshakesFailed(HandshakeFailure.BAD_KEY) == 1);
        assertTrue(impostor.awaitExit(WAIT), impostor.output());
        assertTrue(impostor.output().contains("alert"), impostor.output());
        good.write(ascii("still here"));
        assertTrue(good.awaitOutput("still here", WAIT));
        assertEquals(1, dtls.peerCount());
        assertEquals(0, core.received.stream().filter(r -> "sensor-2".equals(r.from().authenticatedIdentity()))
                .count());
    }

    @Test
    void aDuplicatedRecordIsDroppedAsAReplayAndDeliveredOnce() throws Exception {
        Recorder core = new Recorder(false);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), core);
        Relay relay = closeLater(new Relay(target(dtls)));
        OpenSslDtlsClient client = connectedPsk(relay.address(), "sensor-1", KEY_1);

        relay.duplicateNextApplicationData();
        client.write(CONNECT);
        assertArrayEquals(CONNECT, core.next(WAIT).message());
        await("the copy to be counted as a replay", () -> dtls.stats().recordsDroppedReplay() == 1);
        client.write(ascii("next"));
        assertArrayEquals(ascii("next"), core.next(WAIT).message());

        assertTrue(core.received.isEmpty(), "nothing was delivered twice: " + core.received);
        assertEquals(2, dtls.stats().messagesIn());
        assertEquals(0, dtls.stats().recordsDroppedBadRecord());
        assertEquals(1, dtls.stats().peersActive());
    }

    @Test
    void aForgedRecordIsDroppedAndTheSessionGoesOn() throws Exception {
        Recorder core = new Recorder(false);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), core);
        Relay relay = closeLater(new Relay(target(dtls)));
        OpenSslDtlsClient client = connectedPsk(relay.address(), "sensor-1", KEY_1);

        relay.corruptNextApplicationData();
        client.write(ascii("tampered"));
        await("the forgery to be counted", () -> dtls.stats().recordsDroppedBadRecord() == 1);
        client.write(ascii("genuine"));

        assertArrayEquals(ascii("genuine"), core.next(WAIT).message());
        assertTrue(core.received.isEmpty());
        assertEquals(0, dtls.stats().recordsDroppedReplay());
        assertEquals(1, dtls.stats().peersActive());
    }

    @Test
    void aNewHandshakeFromTheSameAddressReplacesTheSessionAndItsIdentity() throws Exception {
        Recorder core = new Recorder(false);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), core);
        Relay relay = closeLater(new Relay(target(dtls)));
        OpenSslDtlsClient first = connectedPsk(relay.address(), "sensor-1", KEY_1);
        first.write(CONNECT);
        DtlsPeerAddress before = (DtlsPeerAddress) core.next(WAIT).from();
        relay.dropFromClient(true);
        first.close(); // gone without a close_notify reaching the listener, as a sensor that rebooted
        relay.dropFromClient(false);

        OpenSslDtlsClient second = connectedPsk(relay.address(), "sensor-2", KEY_2);
        second.write(ascii("hello"));

        DtlsPeerAddress after = (DtlsPeerAddress) core.next(WAIT).from();
        assertEquals(before.socket(), after.socket(), "the listener sees the same address");
        assertEquals("sensor-2", after.authenticatedIdentity());
        assertFalse(before.equals(after), "but not the same peer");
        assertEquals(1, dtls.stats().peersReplaced());
        assertEquals(1, dtls.stats().peersActive());
        dtls.send(before, ascii("for sensor-1"));
        assertEquals(1, dtls.stats().messagesDroppedOut(), "what the core sends the old identity goes nowhere");
        dtls.send(after, ascii("for sensor-2"));
        assertTrue(second.awaitOutput("for sensor-2", WAIT));
        assertFalse(second.output().contains("for sensor-1"));
    }

    @Test
    void idleSessionsExpireAndTheirPeerIsToldSo() throws Exception {
        Recorder core = new Recorder(false);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withIdleTimeout(Duration.ofMillis(400)), core);
        OpenSslDtlsClient client = connectedPsk(target(dtls), "sensor-1", KEY_1);
        client.write(CONNECT);
        LinkAddress address = core.next(WAIT).from();

        await("the session to expire", () -> dtls.stats().peersExpired() == 1);
        assertEquals(0, dtls.peerCount());
        assertEquals(0, dtls.stats().peersActive());
        assertTrue(client.awaitExit(WAIT), "close_notify ends s_client: " + client.output());

        dtls.send(address, new byte[] {0x02, 0x17});
        assertEquals(1, dtls.stats().messagesDroppedOut(), "nothing is sent to a session that is gone");
    }

    @Test
    void trafficKeepsASessionAlivePastTheIdleTimeout() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withIdleTimeout(Duration.ofMillis(600)), core);
        OpenSslDtlsClient client = connectedPsk(target(dtls), "sensor-1", KEY_1);

        for (int i = 0; i < 6; i++) {
            client.write(ascii("ping" + i));
            assertTrue(client.awaitOutput("ping" + i, WAIT));
            Thread.sleep(200);
        }

        assertEquals(0, dtls.stats().peersExpired());
        assertEquals(1, dtls.stats().peersActive());
    }

    @Test
    void beyondMaxPeersTheSessionIdleLongestIsClosed() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withMaxPeers(2), core);
        OpenSslDtlsClient oldest = connectedPsk(target(dtls), "sensor-1", KEY_1);
        OpenSslDtlsClient recent = connectedPsk(target(dtls), "sensor-2", KEY_2);
        recent.write(ascii("recent"));
        assertTrue(recent.awaitOutput("recent", WAIT));

        keys.put("sensor-3", KEY_1);
        OpenSslDtlsClient newcomer = connectedPsk(target(dtls), "sensor-3", KEY_1);

        await("one eviction", () -> dtls.stats().peersEvicted() == 1);
        assertTrue(oldest.awaitExit(WAIT), "the oldest got close_notify: " + oldest.output());
        newcomer.write(ascii("new"));
        recent.write(ascii("again"));
        assertTrue(newcomer.awaitOutput("new", WAIT));
        assertTrue(recent.awaitOutput("again", WAIT));
        assertEquals(2, dtls.stats().peersActive());
    }

    @Test
    void excessClientHellosAreDroppedWhileMaxHandshakesRun() throws Exception {
        // A timeout shorter than the age at which a half-open handshake may be evicted (HandshakeSlots): this test is
        // about the timeout freeing the slot.
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withMaxHandshakes(1)
                .withHandshakeTimeout(Duration.ofSeconds(1)), new Recorder(true));
        // A client that passes the cookie exchange and then goes silent holds the only handshake slot.
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            silent.setSoTimeout((int) WAIT.toMillis());
            byte[] random = new byte[32];
            send(silent, target(dtls), ClientHellos.clientHello(random, new byte[0], 0));
            byte[] cookie = ClientHellos.cookieOf(receive(silent));
            send(silent, target(dtls), ClientHellos.clientHello(random, cookie, 1));
            await("the silent handshake to start", () -> dtls.stats().handshakesActive() == 1);

            OpenSslDtlsClient patient = psk(target(dtls), "sensor-1", KEY_1);

            await("a ClientHello dropped for lack of a slot", () -> dtls.stats().clientHellosDroppedBusy() >= 1);
            // Once the silent one times out, the resent ClientHello gets the slot.
            assertTrue(patient.awaitHandshake(WAIT), patient.output());
            // The client is done when the gateway's last flight arrives, a moment before the gateway counts it.
            await("the handshake to be counted", () -> dtls.stats().handshakesCompleted() == 1);
            assertEquals(1, dtls.stats().handshakesFailed(HandshakeFailure.TIMEOUT));
        }
    }

    @Test
    void sendRefusesOtherLinksAddressesAndBroadcastIsANoOp() {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(false));
        LinkAddress foreign = new LinkAddress() {
        };
        assertThrows(IllegalArgumentException.class, () -> dtls.send(foreign, new byte[] {1}));
        dtls.broadcast(new byte[] {0x03, 0x02, 0x01});
        assertEquals(0, dtls.stats().datagramsOut());
        DtlsPeerAddress someone = new DtlsPeerAddress(new InetSocketAddress("127.0.0.1", 9), "sensor-1", null);
        assertNull(dtls.persistentForm(someone), "a DTLS sensor reconnects after a restart");
        assertNull(dtls.fromPersistentForm(new byte[] {1, 127, 0, 0, 1, 0, 9}));
        dtls.send(someone, new byte[] {0x02, 0x17});
        assertEquals(1, dtls.stats().messagesDroppedOut());
    }

    static void send(DatagramSocket socket, InetSocketAddress to, byte[] datagram) throws java.io.IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
    }

    static byte[] receive(DatagramSocket socket) throws java.io.IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return java.util.Arrays.copyOf(p.getData(), p.getLength());
    }
}
