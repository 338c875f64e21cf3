package io.sngw.transport.udp.dtls;

import io.sngw.testing.OpenSslDtlsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Starts listeners and openssl clients for a test and closes them all after it. */
abstract class DtlsFixture {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final byte[] KEY_1 = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    static final byte[] KEY_2 = HexFormat.of().parseHex("0f0e0d0c0b0a09080706050403020100");
    /** An MQTT-SN CONNECT of client "sensor-1" (keep-alive 60 s, clean session). */
    static final byte[] CONNECT = {0x0e, 0x04, 0x04, 0x01, 0x00, 0x3c, 's', 'e', 'n', 's', 'o', 'r', '-', '1'};

    /** The device registry's stand-in: identity to key; a copy is handed out, as {@link PskLookup} asks. */
    final Map<String, byte[]> keys = new ConcurrentHashMap<>(Map.of("sensor-1", KEY_1, "sensor-2", KEY_2));
    final PskLookup lookup = identity -> {
        byte[] key = keys.get(identity);
        return key == null ? null : key.clone();
    };
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<DtlsTransport> started = new ArrayList<>();

    @BeforeAll
    static void needsOpenSsl() {
        assumeTrue(OpenSslDtlsClient.available(), "openssl is not installed");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    DtlsTransport start(DtlsOptions options, Recorder receiver) {
        DtlsTransport transport = closeLater(new DtlsTransport(options, lookup, receiver));
        transport.start();
        started.add(transport);
        return transport;
    }

    static InetSocketAddress target(DtlsTransport transport) {
        return new InetSocketAddress("127.0.0.1", transport.localAddress().getPort());
    }

    OpenSslDtlsClient psk(InetSocketAddress to, String identity, byte[] key) {
        return closeLater(OpenSslDtlsClient.psk(to, identity, key, "PSK-AES128-CCM8"));
    }

    /** A PSK client through a handshake, asserting that it completed. */
    OpenSslDtlsClient connectedPsk(InetSocketAddress to, String identity, byte[] key) throws InterruptedException {
        // The listener at that port, or behind a relay, the only one the test started.
        DtlsTransport server = started.size() == 1 ? started.get(0) : started.stream()
                .filter(t -> t.localAddress().getPort() == to.getPort()).findFirst().orElseThrow();
        long completed = server.stats().handshakesCompleted();
        OpenSslDtlsClient client = psk(to, identity, key);
        // s_client prints the session summary on failure too: a live process without an error is the success.
        if (!client.awaitHandshake(WAIT) || !client.isAlive() || client.output().contains(":error:")) {
            throw new AssertionError("openssl did not complete the handshake:\n" + client.output());
        }
        // s_client is through once it has the listener's Finished, which the listener sends just before it records
        // the session: wait for that too, so that what a test does next meets the session.
        await("the listener to record the session with " + identity,
                () -> server.stats().handshakesCompleted() > completed);
        return client;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
