package io.sngw.transport.udp.dtls;

import io.sngw.testing.LogCapture;
import io.sngw.testing.OpenSslDtlsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failed DTLS handshake leaves a trace at INFO: address, the identity the client gave, and why. */
class DtlsFailureLogTest extends DtlsFixture {
    private final LogCapture log = LogCapture.of(DtlsTransport.class.getName(), Level.INFO);

    @AfterEach
    void restore() {
        log.close();
    }

    @Test
    void aWrongKeyIsLoggedWithTheAddressAndTheIdentity() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withHandshakeTimeout(Duration.ofMillis(1500)),
                new Recorder(true));

        OpenSslDtlsClient impostor = psk(target(dtls), "sensor-2", KEY_1);
        await("the failure to be counted", () -> dtls.stats().handshakesFailed(HandshakeFailure.BAD_KEY) == 1);
        impostor.awaitExit(WAIT);

        List<String> lines = log.messages(Level.INFO).stream().filter(l -> l.contains("DTLS handshake")).toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches(".*DTLS handshake with /?127\\.0\\.0\\.1:\\d+ as sensor-2 failed: BAD_KEY.*"),
                lines.get(0));
    }

    @Test
    void anUnknownIdentityIsLoggedWithTheIdentityItGave() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(true));

        OpenSslDtlsClient stranger = psk(target(dtls), "sensor-9", KEY_1);
        assertTrue(stranger.awaitExit(WAIT));
        await("the failure to be counted", () -> dtls.stats().handshakesFailed(HandshakeFailure.UNKNOWN_IDENTITY) == 1);

        assertTrue(log.messages(Level.INFO).stream().anyMatch(l -> l.matches(
                ".*DTLS handshake with /?127\\.0\\.0\\.1:\\d+ as sensor-9 failed: UNKNOWN_IDENTITY.*")),
                log.messages(Level.INFO).toString());
    }
}
