package io.sngw.transport.serial;

import io.sngw.core.linksec.RadioFrame;

import java.util.Arrays;

/**
 * The raw framing's reader: MQTT-SN packets back to back, each delimited by its own Length field (1 byte 0x02..0xFF,
 * or 0x01 followed by a 16-bit big-endian length). There is no checksum and no sync marker, so the reader
 * resynchronises two ways (see docs/serial-framing.md):
 * <ul>
 *   <li>silence: a packet still incomplete when the line falls silent for the inter-byte timeout is discarded
 *       ({@link FramingError#TRUNCATED}); the next byte starts a packet;</li>
 *   <li>impossible lengths (a 3-byte form below 4, a radio frame below its 12-byte header, anything above the largest frame): the reader discards
 *       everything up to the next silence ({@link FramingError#IMPOSSIBLE_LENGTH}, then {@link FramingError#NOISE}),
 *       because after one wrong length no byte boundary can be trusted until the sender pauses.</li>
 * </ul>
 * A forwarder's Encapsulated message (MsgType 0xFE) is special: its Length covers only the encapsulation header, and
 * the inner message follows with a Length of its own. The reader keeps the header and hands both over as one frame,
 * as a UDP datagram would carry them.
 *
 * <p>A frame starting with 0x00 (no MQTT-SN Length can be 0) is a protected or pairing frame of the radio link
 * security: bytes 2-3 hold its total length, and it is handed over whole for the secured link to open.
 */
public final class RawFrameDecoder implements FrameDecoder {
    /** The shortest packet: Length and MsgType (a PINGREQ without client id, a DISCONNECT). */
    static final int MIN_LENGTH = 2;
    private static final int MIN_LONG_LENGTH = 4;
    private static final int ENCAPSULATED = 0xFE;

    private final int maxLength;
    /** A protected frame carries a packet of up to maxLength and the protection's overhead. */
    private final int maxRadioLength;
    private byte[] packet = new byte[64];
    private int have;
    /** The packet's length once known; 0 while its Length field is still being read. */
    private int length;
    private boolean hunting;
    private boolean noiseCounted;
    /** An encapsulation header waiting for the message it wraps; null when none. */
    private byte[] encapsulation;

    /** @param maxLength the largest packet accepted, Length field included (at most 65535) */
    public RawFrameDecoder(int maxLength) {
        if (maxLength < MIN_LONG_LENGTH || maxLength > 0xFFFF) {
            throw new IllegalArgumentException("maxLength must be 4..65535: " + maxLength);
        }
        this.maxLength = maxLength;
        this.maxRadioLength = Math.min(RadioFrame.MAX_LENGTH, maxLength + RadioFrame.OVERHEAD);
    }

    @Override
    public void feed(byte[] bytes, int offset, int count, FrameSink sink) {
        for (int i = offset; i < offset + count; i++) {
            if (hunting) {
                if (!noiseCounted) {
                    noiseCounted = true;
                    sink.error(FramingError.NOISE);
                }
                continue;
            }
            append(bytes[i]);
            if (length == 0 && !readLength(sink)) {
                continue;
            }
            if (length != 0 && have == length) {
                complete(sink);
            }
        }
    }

    private void complete(FrameSink sink) {
        byte[] done = Arrays.copyOf(packet, have);
        int first = packet[0] & 0xFF;
        int typeAt = first == 0x01 ? 3 : 1;
        reset();
        if (encapsulation != null) {
            byte[] whole = Arrays.copyOf(encapsulation, encapsulation.length + done.length);
            System.arraycopy(done, 0, whole, encapsulation.length, done.length);
            encapsulation = null;
            sink.frame(whole);
        } else if (first != RadioFrame.MARKER && done.length > typeAt && (done[typeAt] & 0xFF) == ENCAPSULATED) {
            encapsulation = done;
        } else {
            sink.frame(done);
        }
    }

    /** True once the length is known (or the packet was rejected); false while more of the field is needed. */
    private boolean readLength(FrameSink sink) {
        int first = packet[0] & 0xFF;
        if (first == RadioFrame.MARKER) {
            // A protected or pairing frame (docs/radio-security.md): its total length is in bytes 2-3.
            if (have < 4) {
                return false;
            }
            int candidate = ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
            return accept(candidate, RadioFrame.HEADER_LENGTH, maxRadioLength, sink);
        }
        if (first == 0x01) {
            if (have < 3) {
                return false;
            }
            int candidate = ((packet[1] & 0xFF) << 8) | (packet[2] & 0xFF);
            return accept(candidate, MIN_LONG_LENGTH, maxLength, sink);
        }
        return accept(first, MIN_LENGTH, maxLength, sink);
    }

    private boolean accept(int candidate, int min, int max, FrameSink sink) {
        if (candidate < min || candidate > max) {
            sink.error(FramingError.IMPOSSIBLE_LENGTH);
            reset();
            encapsulation = null;
            hunting = true;
            return true;
        }
        length = candidate;
        if (packet.length < length) {
            packet = Arrays.copyOf(packet, length);
        }
        return true;
    }

    private void append(byte b) {
        if (have == packet.length) {
            packet = Arrays.copyOf(packet, Math.min(maxLength, packet.length * 2));
        }
        packet[have++] = b;
    }

    @Override
    public void silence(FrameSink sink) {
        if (have > 0 || encapsulation != null) {
            sink.error(FramingError.TRUNCATED);
        }
        reset();
        encapsulation = null;
        hunting = false;
        noiseCounted = false;
    }

    private void reset() {
        have = 0;
        length = 0;
        if (packet.length > 1024) {
            packet = new byte[64]; // one large packet must not pin its buffer for the life of the port
        }
    }
}
