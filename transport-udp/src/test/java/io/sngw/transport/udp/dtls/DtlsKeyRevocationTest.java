package io.sngw.transport.udp.dtls;

import io.sngw.testing.OpenSslDtlsClient;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session made with a PSK lasts only while the registry still gives that key: when a device's key changes, or the
 * device is disabled or removed, its sessions are closed and it must handshake again.
 */
class DtlsKeyRevocationTest extends DtlsFixture {
    private static final byte[] NEW_KEY = HexFormat.of().parseHex("feedfacefeedfacefeedfacefeedface");

    @Test
    void aSessionWhoseKeyChangedIsClosedAndThePeerHandshakesAgainWithTheNewKey() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(true));
        OpenSslDtlsClient old = connectedPsk(target(dtls), "sensor-1", KEY_1);

        keys.put("sensor-1", NEW_KEY);
        assertEquals(1, dtls.dropPeersWithRevokedKey("sensor-1"));

        assertTrue(old.awaitExit(WAIT), "close_notify ends s_client: " + old.output());
        assertEquals(1, dtls.stats().peersKeyRevoked());
        OpenSslDtlsClient renewed = connectedPsk(target(dtls), "sensor-1", NEW_KEY);
        renewed.write(ascii("with the new key"));
        assertTrue(renewed.awaitOutput("with the new key", WAIT));
    }

    @Test
    void theSessionsOfADisabledDeviceAreClosedAndOthersAreServed() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(true));
        OpenSslDtlsClient disabled = connectedPsk(target(dtls), "sensor-1", KEY_1);
        OpenSslDtlsClient other = connectedPsk(target(dtls), "sensor-2", KEY_2);

        keys.remove("sensor-1"); // what the registry adapter answers for a disabled or removed device: no key
        assertEquals(1, dtls.dropPeersWithRevokedKey("sensor-1"));

        assertTrue(disabled.awaitExit(WAIT), disabled.output());
        other.write(ascii("still here"));
        assertTrue(other.awaitOutput("still here", WAIT));
        assertEquals(1, dtls.stats().peersActive());
    }

    @Test
    void aSessionWhoseKeyIsUnchangedIsKept() throws Exception {
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral(), new Recorder(true));
        OpenSslDtlsClient client = connectedPsk(target(dtls), "sensor-1", KEY_1);

        assertEquals(0, dtls.dropPeersWithRevokedKey("sensor-1")); // its ACL changed, say: nothing for DTLS to do

        client.write(ascii("same session"));
        assertTrue(client.awaitOutput("same session", WAIT));
        assertEquals(0, dtls.stats().peersKeyRevoked());
        assertEquals(1, dtls.stats().peersActive());
    }
}
