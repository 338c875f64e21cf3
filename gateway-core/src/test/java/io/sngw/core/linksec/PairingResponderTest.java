package io.sngw.core.linksec;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.linksec.LinkSecurityStats.Event;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairingResponderTest {
    private static final InstallCode CODE = InstallCode.parse("a0a1a2a3-a4a5a6a7-a8a9aaab-acadaeaf");
    private static final InstallCode WRONG = InstallCode.parse("00a1a2a3-a4a5a6a7-a8a9aaab-acadaeaf");
    private static final LinkAddress RADIO = new SecuredLinkTest.Addr("radio");

    private final MemoryRadioKeyring keyring = new MemoryRadioKeyring();
    private final LinkSecurityStats stats = new LinkSecurityStats();
    private final List<byte[]> sent = new ArrayList<>();
    private final Link air = new Link() {
        @Override
        public String name() {
            return "air";
        }

        @Override
        public void send(LinkAddress to, byte[] message) {
            sent.add(message);
        }

        @Override
        public void broadcast(byte[] message) {
        }
    };

    private PairingResponder responder(boolean allowWithout) {
        return new PairingResponder(keyring, keyring, null, allowWithout, stats, Clock.systemUTC(), Runnable::run);
    }

    /** The sensor's half, straight from the document. */
    private final class Sensor {
        final long devid;
        final byte[] priv = PairingKeys.newPrivateKey(new SecureRandom());
        final byte[] pub = PairingKeys.publicKey(priv);
        PairingKeys keys;

        Sensor(long devid) {
            this.devid = devid;
        }

        byte[] hello() {
            return PairingFrames.hello(devid, pub);
        }

        /** Derives the keys from the offer; whether the gateway's confirmation matched. */
        boolean takeOffer(byte[] offer, InstallCode code) {
            assertEquals(RadioFrame.OFFER_LENGTH, offer.length);
            assertEquals(RadioFrame.KIND_PAIR_OFFER, RadioFrame.kind(offer));
            byte[] gwPub = PairingFrames.publicKey(offer);
            keys = PairingKeys.derive(devid, priv, gwPub, pub, gwPub, code);
            return PairingKeys.matches(keys.gatewayConfirm(), offer, PairingFrames.OFFER_CONFIRM_OFFSET);
        }

        byte[] confirm() {
            return PairingFrames.confirm(devid, keys.sensorConfirm());
        }

        String clientIdIn(byte[] accept) {
            assertEquals(RadioFrame.KIND_PAIR_ACCEPT, RadioFrame.kind(accept));
            assertEquals(1, RadioFrame.counter(accept));
            byte[] id = FrameProtection.of(devid, Direction.DOWNLINK, LinkKeys.derive(keys.rootKey(), devid))
                    .open(accept);
            assertNotNull(id, "the accept opens under K_down");
            return new String(id, StandardCharsets.UTF_8);
        }
    }

    private String pair(PairingResponder responder, Sensor sensor, InstallCode code) {
        responder.onPairingFrame(air, RADIO, sensor.hello());
        assertTrue(sensor.takeOffer(sent.get(sent.size() - 1), code), "the gateway proves it knows the code");
        responder.onPairingFrame(air, RADIO, sensor.confirm());
        return sensor.clientIdIn(sent.get(sent.size() - 1));
    }

    @Test
    void aSensorWithTheInstallCodePairsAndIsStoredWithTheKeyBothSidesDerived() {
        keyring.open(Duration.ofMinutes(1), Optional.of(CODE), Optional.empty(), OptionalLong.empty());
        Sensor sensor = new Sensor(0x0013a20041b2c3d4L);
        assertEquals("sn-0013a20041b2c3d4", pair(responder(false), sensor, CODE));
        RadioKey stored = keyring.find(sensor.devid).orElseThrow();
        assertArrayEquals(sensor.keys.rootKey(), stored.key());
        assertEquals(RadioKey.Pairing.INSTALL_CODE, stored.pairing());
        assertEquals(1, stored.downlinkReserved(), "counter 1 went to the PAIR_ACCEPT");
        assertEquals(1, stats.get(Event.PAIRING_COMPLETED));
    }

    @Test
    void aWrongInstallCodeIsCaughtByBothSidesAndNothingIsWritten() {
        keyring.open(Duration.ofMinutes(1), Optional.of(CODE), Optional.empty(), OptionalLong.empty());
        PairingResponder responder = responder(false);
        Sensor rogue = new Sensor(7);
        responder.onPairingFrame(air, RADIO, rogue.hello());
        assertTrue(!rogue.takeOffer(sent.get(0), WRONG), "the sensor sees the gateway's confirmation fail");
        responder.onPairingFrame(air, RADIO, rogue.confirm()); // a rogue sends it anyway
        assertEquals(1, sent.size(), "no accept");
        assertTrue(keyring.list().isEmpty());
        assertEquals(1, stats.get(Event.PAIRING_REFUSED_BAD_CONFIRM));
    }

    @Test
    void outsideAWindowPairingFramesAreIgnoredAndCounted() {
        responder(true).onPairingFrame(air, RADIO, new Sensor(7).hello());
        assertTrue(sent.isEmpty());
        assertEquals(1, stats.get(Event.PAIRING_WINDOW_CLOSED));
    }

    @Test
    void withoutInstallCodeOnlyWhereAllowedAndThenMarkedSo() {
        keyring.open(Duration.ofMinutes(1), Optional.empty(), Optional.of("meter-9"), OptionalLong.empty());
        responder(false).onPairingFrame(air, RADIO, new Sensor(7).hello());
        assertTrue(sent.isEmpty());
        assertEquals(1, stats.get(Event.PAIRING_REFUSED_NO_INSTALL_CODE));

        assertEquals("meter-9", pair(responder(true), new Sensor(7), null));
        assertEquals(RadioKey.Pairing.WITHOUT_INSTALL_CODE, keyring.find(7).orElseThrow().pairing());
        assertTrue(keyring.openNow().isEmpty(), "a window naming a client id is used up by its pairing");
    }

    @Test
    void theSameConfirmAgainGetsTheSameAcceptAgainAndWritesNothing() {
        keyring.open(Duration.ofMinutes(1), Optional.of(CODE), Optional.empty(), OptionalLong.empty());
        PairingResponder responder = responder(false);
        Sensor sensor = new Sensor(7);
        pair(responder, sensor, CODE);
        RadioKey before = keyring.find(7).orElseThrow();
        responder.onPairingFrame(air, RADIO, sensor.confirm());
        assertArrayEquals(sent.get(sent.size() - 2), sent.get(sent.size() - 1));
        assertEquals(before, keyring.find(7).orElseThrow());
        assertEquals(1, stats.get(Event.PAIRING_COMPLETED));
    }

    @Test
    void aReplayedOrTamperedConfirmIsRefusedAndChangesNothing() {
        keyring.open(Duration.ofMinutes(1), Optional.of(CODE), Optional.empty(), OptionalLong.empty());
        PairingResponder responder = responder(false);
        Sensor sensor = new Sensor(7);
        pair(responder, sensor, CODE);
        RadioKey before = keyring.find(7).orElseThrow();
        int sentBefore = sent.size();
        byte[] stale = PairingFrames.confirm(7, new byte[16]); // a confirm no offer is waiting for
        responder.onPairingFrame(air, RADIO, stale);
        assertEquals(1, stats.get(Event.PAIRING_REFUSED_UNEXPECTED));

        Sensor other = new Sensor(8);
        responder.onPairingFrame(air, RADIO, other.hello());
        other.takeOffer(sent.get(sent.size() - 1), CODE);
        byte[] tampered = other.confirm();
        tampered[20] ^= 1;
        responder.onPairingFrame(air, RADIO, tampered);
        assertEquals(1, stats.get(Event.PAIRING_REFUSED_BAD_CONFIRM));
        assertEquals(sentBefore + 1, sent.size(), "only the second sensor's offer went out");
        assertEquals(before, keyring.find(7).orElseThrow());
        assertTrue(keyring.find(8).isEmpty());
    }

    @Test
    void twoSensorsPairInTheSameWindowWithKeysOfTheirOwn() {
        keyring.open(Duration.ofMinutes(1), Optional.of(CODE), Optional.empty(), OptionalLong.empty());
        PairingResponder responder = responder(false);
        Sensor a = new Sensor(1);
        Sensor b = new Sensor(2);
        responder.onPairingFrame(air, RADIO, a.hello());
        responder.onPairingFrame(air, RADIO, b.hello());
        assertTrue(a.takeOffer(sent.get(0), CODE));
        assertTrue(b.takeOffer(sent.get(1), CODE));
        responder.onPairingFrame(air, RADIO, b.confirm());
        responder.onPairingFrame(air, RADIO, a.confirm());
        assertEquals(RadioFrame.defaultClientId(2), b.clientIdIn(sent.get(2)));
        assertEquals(RadioFrame.defaultClientId(1), a.clientIdIn(sent.get(3)));
        assertEquals(2, keyring.list().size());
        assertTrue(!java.util.Arrays.equals(keyring.find(1).orElseThrow().key(), keyring.find(2).orElseThrow().key()));
    }
}
