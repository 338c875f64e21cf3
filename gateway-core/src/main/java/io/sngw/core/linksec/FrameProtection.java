package io.sngw.core.linksec;

import java.util.Arrays;

/**
 * Seals and opens one device's DATA (and PAIR_ACCEPT) frames in one direction: AES-128-CCM under that direction's
 * key, nonce = devid || counter || direction, associated data = the frame's first 16 bytes. Built once per device and
 * direction, so the AES key schedule is computed once, not per frame.
 *
 * <p>Counters and replay are the caller's business: this class only turns bytes into bytes. Calls are serialised on
 * the instance (one device, one direction; uncontended in practice).
 */
public final class FrameProtection {
    private final long devid;
    private final Direction direction;
    private final Ccm ccm;
    private final byte[] nonce = new byte[13];

    public FrameProtection(long devid, Direction direction, byte[] key) {
        this.devid = devid;
        this.direction = direction;
        this.ccm = new Ccm(key);
        RadioFrame.putLong(nonce, 0, devid);
        nonce[12] = (byte) direction.nonceByte();
    }

    /** Both directions' protections for a device from its root key. */
    public static FrameProtection of(long devid, Direction direction, LinkKeys keys) {
        return new FrameProtection(devid, direction, keys.of(direction));
    }

    public long devid() {
        return devid;
    }

    public Direction direction() {
        return direction;
    }

    /** A DATA frame carrying {@code packet} (one whole MQTT-SN packet) under {@code counter}. */
    public byte[] seal(long counter, byte[] packet) {
        return seal(RadioFrame.KIND_DATA, counter, packet);
    }

    /**
     * A frame of {@code kind} (DATA or PAIR_ACCEPT) sealing {@code plaintext} under {@code counter} (1..0xFFFFFFFF).
     *
     * @throws IllegalArgumentException when the counter is out of range or the frame would not fit its length field
     */
    public synchronized byte[] seal(int kind, long counter, byte[] plaintext) {
        if (counter < 1 || counter > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("counter out of range: " + counter);
        }
        int total = RadioFrame.OVERHEAD + plaintext.length;
        if (total > RadioFrame.MAX_LENGTH) {
            throw new IllegalArgumentException("a " + plaintext.length + "-byte packet does not fit a protected frame");
        }
        byte[] frame = new byte[total];
        RadioFrame.writeHeader(frame, kind, devid);
        RadioFrame.putInt(frame, RadioFrame.HEADER_LENGTH, (int) counter);
        RadioFrame.putInt(nonce, 8, (int) counter);
        ccm.seal(nonce, frame, RadioFrame.SEALED_PREFIX, plaintext, 0, plaintext.length, frame,
                RadioFrame.SEALED_PREFIX);
        return frame;
    }

    /**
     * The plaintext of a sealed frame whose header was checked already (length, devid), or null when its MIC does not
     * match (a tampered frame, a wrong key, another direction's frame).
     */
    public synchronized byte[] open(byte[] frame) {
        int len = frame.length - RadioFrame.OVERHEAD;
        if (len < 0) {
            return null;
        }
        System.arraycopy(frame, RadioFrame.HEADER_LENGTH, nonce, 8, 4);
        byte[] plain = new byte[len];
        if (!ccm.open(nonce, frame, RadioFrame.SEALED_PREFIX, frame, RadioFrame.SEALED_PREFIX, len, plain, 0)) {
            Arrays.fill(plain, (byte) 0);
            return null;
        }
        return plain;
    }
}
