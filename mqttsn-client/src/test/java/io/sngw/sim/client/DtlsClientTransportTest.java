package io.sngw.sim.client;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;
import io.sngw.testing.TestPki;
import io.sngw.transport.udp.dtls.DtlsOptions;
import io.sngw.transport.udp.dtls.DtlsPeerAddress;
import io.sngw.transport.udp.dtls.DtlsTransport;
import io.sngw.transport.udp.dtls.HandshakeFailure;
import io.sngw.transport.udp.dtls.PskLookup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client library over DTLS against the gateway's real DTLS listener, with a stand-in for the core that answers
 * CONNECT and PINGREQ (the full gateway and a broker are in deploy-pi's end-to-end tests).
 */
class DtlsClientTransportTest {
    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    /** Who the listener said each message came from. */
    private final BlockingQueue<LinkAddress> senders = new LinkedBlockingQueue<>();

    /** Answers CONNECT with CONNACK and PINGREQ with PINGRESP, as the core would. */
    private final LinkReceiver answering = (link, from, datagram) -> {
        senders.add(from);
        DecodeResult result = MqttSnCodec.decode(datagram);
        if (result instanceof DecodeResult.Decoded d) {
            MqttSnMessage answer = switch (d.message().type()) {
                case CONNECT -> new MqttSnMessage.ConnAck(ReturnCode.ACCEPTED);
                case PINGREQ -> new MqttSnMessage.PingResp();
                default -> null;
            };
            if (answer != null) {
                link.send(from, MqttSnCodec.encode(answer));
            }
        }
    };

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    private DtlsTransport listener(DtlsOptions options) {
        PskLookup lookup = identity -> "sensor-1".equals(identity) ? KEY.clone() : null;
        DtlsTransport dtls = closeLater(new DtlsTransport(options, lookup, answering));
        dtls.start();
        return dtls;
    }

    private static InetSocketAddress at(DtlsTransport dtls) {
        return new InetSocketAddress("127.0.0.1", dtls.localAddress().getPort());
    }

    private MqttSnClient client(DtlsTransport dtls, DtlsCredentials credentials) {
        return closeLater(MqttSnClient.overDtls(at(dtls), credentials, ClientOptions.defaults()));
    }

    @Test
    void connectsAndPingsOverAPskSessionUnderItsIdentity() throws Exception {
        DtlsTransport dtls = listener(DtlsOptions.loopbackEphemeral());

        MqttSnClient client = client(dtls, DtlsCredentials.psk("sensor-1", KEY));

        assertEquals(ReturnCode.ACCEPTED, client.connect("sensor-1", 60, true).returnCode());
        client.ping();
        DtlsPeerAddress from = assertInstanceOf(DtlsPeerAddress.class, senders.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals("sensor-1", from.authenticatedIdentity());
        assertEquals(client.localAddress(), from.socket());
        assertEquals("dtls", client.transport().kind());
        assertTrue(client.toString().contains("over dtls"), client.toString());
    }

    @Test
    void requestsBackToBackEachGetTheirAnswer() {
        DtlsTransport dtls = listener(DtlsOptions.loopbackEphemeral());
        MqttSnClient client = client(dtls, DtlsCredentials.psk("sensor-1", KEY));
        client.connect("sensor-1", 60, true);

        // The caller wakes as soon as its answer is in, possibly before the receiver thread has unregistered the
        // finished request: the next identical request must not be taken for a second one at once.
        for (int i = 0; i < 3000; i++) {
            client.ping();
        }

        assertEquals(3001, dtls.stats().messagesIn());
    }

    @Test
    void aWrongKeyOrUnknownIdentityFailsTheHandshakeWithinItsTimeout() {
        DtlsTransport dtls = listener(DtlsOptions.loopbackEphemeral().withHandshakeTimeout(Duration.ofSeconds(1)));

        UncheckedIOException unknown = assertThrows(UncheckedIOException.class,
                () -> client(dtls, DtlsCredentials.psk("sensor-2", KEY)));
        assertTrue(unknown.getMessage().contains("unknown_psk_identity"), unknown.getMessage());
        byte[] wrong = KEY.clone();
        wrong[0] ^= 1;
        long started = System.nanoTime();
        assertThrows(UncheckedIOException.class, () -> DtlsClientTransport.connect(at(dtls),
                DtlsCredentials.psk("sensor-1", wrong), null, Duration.ofSeconds(3)));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(8).toNanos());
        assertEquals(1, dtls.stats().handshakesFailed(HandshakeFailure.UNKNOWN_IDENTITY));
    }

    @Test
    void certificatesBothWays() throws Exception {
        TestPki pki = TestPki.create(dir, "sim-ca");
        TestPki.Issued gateway = pki.server("gateway");
        DtlsTransport dtls = listener(DtlsOptions.loopbackEphemeral()
                .withCertificates(gateway.chainPem(), gateway.keyPem(), pki.caPem()).withPskSuites(false));
        TestPki.Issued sensor = pki.client("sensor-7");

        MqttSnClient client = client(dtls, DtlsCredentials.certificate(pki.ca(), sensor.certificate(), sensor.key()));

        assertEquals(ReturnCode.ACCEPTED, client.connect("sensor-7", 60, true).returnCode());
        assertEquals("sensor-7", senders.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).authenticatedIdentity());

        TestPki impostorCa = TestPki.create(dir, "impostor-ca");
        UncheckedIOException untrusted = assertThrows(UncheckedIOException.class,
                () -> client(dtls, DtlsCredentials.anonymous(impostorCa.ca())));
        assertTrue(untrusted.getMessage().contains("bad_certificate"), untrusted.getMessage());
    }

    @Test
    void whenTheGatewayEndsTheSessionWaitingRequestsFailAtOnce() {
        DtlsTransport dtls = listener(DtlsOptions.loopbackEphemeral().withIdleTimeout(Duration.ofMillis(300)));
        MqttSnClient client = client(dtls, DtlsCredentials.psk("sensor-1", KEY));
        client.connect("sensor-1", 60, true);
        client.setTimeout(Duration.ofSeconds(30));

        long started = System.nanoTime();
        // The stand-in never answers REGISTER: the request is still waiting when the idle expiry's close_notify
        // arrives, and fails then rather than after its 30 s.
        MqttSnException waiting = assertThrows(MqttSnException.class, () -> client.register("sensors/temp"));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
        assertTrue(waiting.getMessage().contains("closed by the gateway"), waiting.getMessage());

        MqttSnException later = assertThrows(MqttSnException.class, client::ping);
        assertTrue(later.getMessage().contains("closed by the gateway"), later.getMessage());
        assertFalse(((DtlsClientTransport) client.transport()).isOpen());
        assertEquals(1, dtls.stats().peersExpired());
    }

    @Test
    void closingTheClientSaysCloseNotify() throws Exception {
        DtlsTransport dtls = listener(DtlsOptions.loopbackEphemeral());
        MqttSnClient client = client(dtls, DtlsCredentials.psk("sensor-1", KEY));
        client.connect("sensor-1", 60, true);

        client.close();

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (dtls.stats().peersClosedByPeer() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, dtls.stats().peersClosedByPeer());
        assertEquals(0, dtls.peerCount());
    }
}
