package io.sngw.core.linksec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The exact bytes of docs/radio-security-vectors.txt, produced independently by Python's cryptography package. */
class KnownAnswerTest {
    private static final Vectors V = Vectors.load();
    private static final long DEVID = 0x0013a20041b2c3d4L;

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void linkKeysAreHkdfOfTheRootKeyAndDevid() {
        LinkKeys keys = LinkKeys.derive(V.bytes("V1", "k"), DEVID);
        assertEquals(V.text("V1", "k_up"), hex(keys.up()));
        assertEquals(V.text("V1", "k_down"), hex(keys.down()));
    }

    @Test
    void uplinkPingreqSealsToVectorOne() {
        LinkKeys keys = LinkKeys.derive(V.bytes("V1", "k"), DEVID);
        byte[] frame = FrameProtection.of(DEVID, Direction.UPLINK, keys).seal(1, V.bytes("V1", "plaintext"));
        assertEquals(V.text("V1", "frame"), hex(frame));
        assertEquals(RadioFrame.OVERHEAD, frame.length - 2);
    }

    @Test
    void downlinkPublishSealsToVectorTwoAndOpensBack() {
        LinkKeys keys = LinkKeys.derive(V.bytes("V2", "k"), DEVID);
        FrameProtection down = FrameProtection.of(DEVID, Direction.DOWNLINK, keys);
        assertEquals(V.text("V2", "frame"), hex(down.seal(0x00010000L, V.bytes("V2", "plaintext"))));
        byte[] opened = FrameProtection.of(DEVID, Direction.DOWNLINK, keys).open(V.bytes("V2", "frame"));
        assertEquals(V.text("V2", "plaintext"), hex(opened));
    }

    @Test
    void pairingWithInstallCodeGivesVectorThree() {
        checkPairing("V3", InstallCode.parse("a0a1a2a3-a4a5a6a7-a8a9aaab-acadaeaf"));
    }

    @Test
    void pairingWithoutInstallCodeGivesVectorFour() {
        checkPairing("V4", null);
    }

    private static void checkPairing(String s, InstallCode code) {
        byte[] sensorPriv = V.bytes(s, "sensor_private");
        byte[] gwPriv = V.bytes(s, "gw_private");
        byte[] sensorPub = PairingKeys.publicKey(sensorPriv);
        byte[] gwPub = PairingKeys.publicKey(gwPriv);
        assertEquals(V.text(s, "sensor_pub"), hex(sensorPub));
        assertEquals(V.text(s, "gw_pub"), hex(gwPub));

        PairingKeys gw = PairingKeys.derive(DEVID, gwPriv, sensorPub, sensorPub, gwPub, code);
        PairingKeys sensor = PairingKeys.derive(DEVID, sensorPriv, gwPub, sensorPub, gwPub, code);
        assertNotNull(gw);
        assertEquals(V.text(s, "k"), hex(gw.rootKey()));
        assertArrayEquals(gw.rootKey(), sensor.rootKey());
        assertEquals(V.text(s, "gw_confirm"), hex(gw.gatewayConfirm()));
        assertEquals(V.text(s, "sensor_confirm"), hex(sensor.sensorConfirm()));

        assertEquals(V.text(s, "pair_hello"), hex(PairingFrames.hello(DEVID, sensorPub)));
        assertEquals(V.text(s, "pair_offer"), hex(PairingFrames.offer(DEVID, gwPub, gw.gatewayConfirm())));
        assertEquals(V.text(s, "pair_confirm"), hex(PairingFrames.confirm(DEVID, sensor.sensorConfirm())));
        LinkKeys keys = LinkKeys.derive(gw.rootKey(), DEVID);
        assertEquals(V.text(s, "k_down"), hex(keys.down()));
        byte[] accept = FrameProtection.of(DEVID, Direction.DOWNLINK, keys).seal(RadioFrame.KIND_PAIR_ACCEPT, 1,
                V.bytes(s, "client_id"));
        assertEquals(V.text(s, "pair_accept"), hex(accept));
        assertEquals("sn-0013a20041b2c3d4", new String(V.bytes(s, "client_id"), StandardCharsets.UTF_8));
    }
}
