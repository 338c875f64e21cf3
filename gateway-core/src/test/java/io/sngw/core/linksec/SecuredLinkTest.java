package io.sngw.core.linksec;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.linksec.LinkSecurityStats.Event;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecuredLinkTest {
    private static final long DEVID = 0x0013a20041b2c3d4L;
    private static final byte[] K = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] PINGREQ = {2, 0x16};
    private static final LinkAddress RADIO = new Addr("radio-1");

    record Addr(String name) implements LinkAddress {
    }

    record Received(Link link, LinkAddress from, byte[] packet) {
    }

    record Sent(LinkAddress to, byte[] bytes) {
    }

    static final class Wire implements Link {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public String name() {
            return "wire";
        }

        @Override
        public void send(LinkAddress to, byte[] message) {
            sent.add(new Sent(to, message));
        }

        @Override
        public void broadcast(byte[] message) {
            sent.add(new Sent(null, message));
        }

        @Override
        public byte[] persistentForm(LinkAddress address) {
            return ((Addr) address).name().getBytes();
        }

        @Override
        public LinkAddress fromPersistentForm(byte[] form) {
            return new Addr(new String(form));
        }
    }

    private final MemoryRadioKeyring keyring = new MemoryRadioKeyring();
    private final LinkSecurityStats stats = new LinkSecurityStats();
    private final ProtectedDevices devices = new ProtectedDevices(keyring, stats);
    private final List<Received> core = new ArrayList<>();
    private final Wire wire = new Wire();
    private final FrameProtection sensorUp = FrameProtection.of(DEVID, Direction.UPLINK, LinkKeys.derive(K, DEVID));
    private final FrameProtection sensorDown = FrameProtection.of(DEVID, Direction.DOWNLINK,
            LinkKeys.derive(K, DEVID));

    {
        keyring.put(RadioKey.fresh(DEVID, K, "valve-1", RadioKey.Pairing.PROVISIONED, Instant.now()));
    }

    private SecuredLink link(LinkSecurity policy) {
        return new SecuredLink(policy, false, devices, PairingHandler.closed(stats),
                (l, from, packet) -> core.add(new Received(l, from, packet))).bind(wire);
    }

    @Test
    void aProtectedPacketReachesTheCorePlainFromTheDeviceAddress() {
        SecuredLink link = link(LinkSecurity.REQUIRED);
        link.onReceive(wire, RADIO, sensorUp.seal(1, PINGREQ));
        assertEquals(1, core.size());
        assertArrayEquals(PINGREQ, core.get(0).packet());
        assertEquals(link, core.get(0).link());
        ProtectedAddress from = assertInstanceOf(ProtectedAddress.class, core.get(0).from());
        assertEquals("valve-1", from.authenticatedIdentity());
        assertEquals(new ProtectedAddress(RADIO, DEVID, "valve-1"), from);
    }

    @Test
    void replayedTamperedTruncatedAndUnknownFramesAreDroppedByReasonAndTheDeviceIsStillServed() {
        SecuredLink link = link(LinkSecurity.REQUIRED);
        byte[] first = sensorUp.seal(1, PINGREQ);
        link.onReceive(wire, RADIO, first);
        link.onReceive(wire, RADIO, first);
        byte[] tampered = sensorUp.seal(2, PINGREQ);
        tampered[16] ^= 1;
        link.onReceive(wire, RADIO, tampered);
        byte[] truncated = java.util.Arrays.copyOf(sensorUp.seal(3, PINGREQ), 20);
        link.onReceive(wire, RADIO, truncated);
        link.onReceive(wire, RADIO, FrameProtection.of(DEVID + 1, Direction.UPLINK, LinkKeys.derive(K, DEVID + 1))
                .seal(1, PINGREQ));
        link.onReceive(wire, RADIO, sensorUp.seal(4, PINGREQ));

        assertEquals(2, core.size());
        assertEquals(1, stats.get(Event.DROPPED_REPLAY));
        assertEquals(1, stats.get(Event.DROPPED_BAD_MIC));
        assertEquals(1, stats.get(Event.DROPPED_LENGTH));
        assertEquals(1, stats.get(Event.DROPPED_UNKNOWN_DEVICE));
    }

    @Test
    void plainMqttSnIsDroppedWhereProtectionIsRequiredAndPassesWhereOptional() {
        link(LinkSecurity.REQUIRED).onReceive(wire, RADIO, PINGREQ);
        assertEquals(0, core.size());
        assertEquals(1, stats.get(Event.DROPPED_PLAIN_REFUSED));
        link(LinkSecurity.OPTIONAL).onReceive(wire, RADIO, PINGREQ);
        assertEquals(RADIO, core.get(0).from());
    }

    @Test
    void whatTheCoreSendsToAProtectedAddressGoesOutSealedWithRisingCounters() {
        SecuredLink link = link(LinkSecurity.REQUIRED);
        ProtectedAddress to = new ProtectedAddress(RADIO, DEVID, "valve-1");
        link.send(to, new byte[]{3, 0x17, 0});
        link.send(to, new byte[]{2, 0x17});
        assertEquals(2, wire.sent.size());
        assertEquals(RADIO, wire.sent.get(0).to());
        assertEquals(1, RadioFrame.counter(wire.sent.get(0).bytes()));
        assertEquals(2, RadioFrame.counter(wire.sent.get(1).bytes()));
        assertArrayEquals(new byte[]{2, 0x17}, sensorDown.open(wire.sent.get(1).bytes()));
    }

    @Test
    void afterARestartTheDownlinkResumesPastEverythingReserved() {
        ProtectedAddress to = new ProtectedAddress(RADIO, DEVID, "valve-1");
        link(LinkSecurity.REQUIRED).send(to, PINGREQ);
        long reserved = keyring.find(DEVID).orElseThrow().downlinkReserved();
        assertTrue(reserved >= 1);
        // A new gateway on the same keyring: the counters it may have used are skipped, never reused.
        SecuredLink restarted = new SecuredLink(LinkSecurity.REQUIRED, false, new ProtectedDevices(keyring, stats),
                PairingHandler.closed(stats), (l, f, p) -> { }).bind(wire);
        restarted.send(to, PINGREQ);
        assertEquals(reserved + 1, RadioFrame.counter(wire.sent.get(1).bytes()));
    }

    @Test
    void anExhaustedUplinkCounterRefusesEveryFrame() {
        keyring.put(new RadioKey(DEVID, K, "valve-1", RadioKey.Pairing.PROVISIONED, Instant.now(), 0,
                ProtectedDevices.LAST_COUNTER, null));
        link(LinkSecurity.REQUIRED).onReceive(wire, RADIO, sensorUp.seal(ProtectedDevices.LAST_COUNTER, PINGREQ));
        assertEquals(0, core.size());
        assertEquals(1, stats.get(Event.DROPPED_COUNTER_EXHAUSTED));
    }

    @Test
    void anExhaustedDownlinkCounterSendsNothing() {
        keyring.put(new RadioKey(DEVID, K, "valve-1", RadioKey.Pairing.PROVISIONED, Instant.now(),
                ProtectedDevices.LAST_COUNTER, 0, null));
        link(LinkSecurity.REQUIRED).send(new ProtectedAddress(RADIO, DEVID, "valve-1"), PINGREQ);
        assertEquals(0, wire.sent.size());
        assertEquals(1, stats.get(Event.SEND_REFUSED_COUNTER_EXHAUSTED));
    }

    @Test
    void aProtectedAddressSurvivesARestartInTheStoreForm() {
        SecuredLink link = link(LinkSecurity.OPTIONAL);
        ProtectedAddress to = new ProtectedAddress(RADIO, DEVID, "valve-1");
        assertEquals(to, link.fromPersistentForm(link.persistentForm(to)));
        assertEquals(RADIO, link.fromPersistentForm(link.persistentForm(RADIO)));
    }
}
