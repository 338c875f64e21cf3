package io.sngw.core.linksec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FrameProtectionTest {
    private static final long DEVID = 0x0102030405060708L;
    private static final LinkKeys KEYS = LinkKeys.derive(new byte[16], DEVID);

    /** Our CCM with a cached key schedule gives exactly Bouncy Castle's CCMBlockCipher output, for any length. */
    @Property(tries = 200)
    void sealEqualsBouncyCastleCcm(@ForAll @Size(min = 2, max = 300) byte[] packet,
                                   @ForAll @IntRange(min = 1) int counter) throws Exception {
        byte[] frame = FrameProtection.of(DEVID, Direction.UPLINK, KEYS).seal(counter, packet);
        byte[] nonce = Arrays.copyOfRange(frame, 4, 17);
        nonce[12] = 0;
        System.arraycopy(frame, 4, nonce, 0, 8);
        System.arraycopy(frame, 12, nonce, 8, 4);
        org.bouncycastle.crypto.modes.CCMModeCipher bc = CCMBlockCipher.newInstance(AESEngine.newInstance());
        bc.init(true, new AEADParameters(new KeyParameter(KEYS.up()), 64, nonce, Arrays.copyOf(frame, 16)));
        byte[] expected = new byte[bc.getOutputSize(packet.length)];
        int n = bc.processBytes(packet, 0, packet.length, expected, 0);
        bc.doFinal(expected, n);
        assertArrayEquals(expected, Arrays.copyOfRange(frame, 16, frame.length));
        assertArrayEquals(packet, FrameProtection.of(DEVID, Direction.UPLINK, KEYS).open(frame));
    }

    @Test
    void everyFlippedBitIsRefused() {
        FrameProtection up = FrameProtection.of(DEVID, Direction.UPLINK, KEYS);
        byte[] frame = up.seal(7, new byte[]{4, 0x16, 0, 1});
        for (int bit = 0; bit < frame.length * 8; bit++) {
            byte[] tampered = frame.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            assertNull(up.open(tampered), "bit " + bit);
        }
    }

    @Test
    void aDownlinkFrameDoesNotOpenAsUplink() {
        byte[] frame = FrameProtection.of(DEVID, Direction.DOWNLINK, KEYS).seal(1, new byte[]{2, 0x16});
        assertNull(FrameProtection.of(DEVID, Direction.UPLINK, KEYS).open(frame));
    }
}
