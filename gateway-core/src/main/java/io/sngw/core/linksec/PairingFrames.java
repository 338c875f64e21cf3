package io.sngw.core.linksec;

import java.util.Arrays;

/** Builds and takes apart the three unencrypted pairing frames (HELLO, OFFER, CONFIRM); ACCEPT is a sealed frame. */
public final class PairingFrames {
    private PairingFrames() {
    }

    public static byte[] hello(long devid, byte[] sensorPub) {
        byte[] f = RadioFrame.frame(RadioFrame.KIND_PAIR_HELLO, devid, 32);
        System.arraycopy(sensorPub, 0, f, RadioFrame.HEADER_LENGTH, 32);
        return f;
    }

    public static byte[] offer(long devid, byte[] gwPub, byte[] gwConfirm) {
        byte[] f = RadioFrame.frame(RadioFrame.KIND_PAIR_OFFER, devid, 48);
        System.arraycopy(gwPub, 0, f, RadioFrame.HEADER_LENGTH, 32);
        System.arraycopy(gwConfirm, 0, f, RadioFrame.HEADER_LENGTH + 32, 16);
        return f;
    }

    public static byte[] confirm(long devid, byte[] sensorConfirm) {
        byte[] f = RadioFrame.frame(RadioFrame.KIND_PAIR_CONFIRM, devid, 16);
        System.arraycopy(sensorConfirm, 0, f, RadioFrame.HEADER_LENGTH, 16);
        return f;
    }

    /** The 32-byte public key of a HELLO or OFFER. */
    public static byte[] publicKey(byte[] frame) {
        return Arrays.copyOfRange(frame, RadioFrame.HEADER_LENGTH, RadioFrame.HEADER_LENGTH + 32);
    }

    /** Offset of the confirmation in an OFFER. */
    public static final int OFFER_CONFIRM_OFFSET = RadioFrame.HEADER_LENGTH + 32;
    /** Offset of the confirmation in a CONFIRM. */
    public static final int CONFIRM_OFFSET = RadioFrame.HEADER_LENGTH;
}
