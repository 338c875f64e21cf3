package io.sngw.transport.serial;

import java.util.Arrays;

/**
 * Digi XBee API frames: 0x7E, 16-bit big-endian length of the frame data, the frame data (API identifier first),
 * and a checksum byte making the frame data sum to 0xFF. In API mode 2 every byte after the delimiter that is
 * 0x7E, 0x7D, 0x11 or 0x13 travels as 0x7D followed by the byte XOR 0x20, so a bare 0x7E always starts a frame.
 *
 * <p>Resynchronisation: bytes before a delimiter are noise; a frame failing its checksum is dropped and the reader
 * hunts for the next delimiter; a frame cut short by silence (or, in mode 2, by a bare 0x7E) is truncated.
 */
public final class XBeeFrameDecoder implements FrameDecoder {
    static final byte DELIMITER = 0x7E;
    static final byte ESCAPE = 0x7D;
    static final int XOR = 0x20;

    private enum State { HUNT, LENGTH_HIGH, LENGTH_LOW, DATA, CHECKSUM }

    private final boolean escaped;
    private final int maxLength;
    private State state = State.HUNT;
    private boolean escapeNext;
    private boolean inNoise;
    private int length;
    private int have;
    private int sum;
    private byte[] data = new byte[128];

    /**
     * @param escaped   API mode 2 (escaped) rather than 1
     * @param maxLength the largest frame data accepted
     */
    public XBeeFrameDecoder(boolean escaped, int maxLength) {
        this.escaped = escaped;
        this.maxLength = maxLength;
    }

    @Override
    public void feed(byte[] bytes, int offset, int count, FrameSink sink) {
        for (int i = offset; i < offset + count; i++) {
            byte raw = bytes[i];
            if (raw == DELIMITER && (escaped || state == State.HUNT)) {
                if (state != State.HUNT || escapeNext) {
                    sink.error(FramingError.TRUNCATED); // mode 2: a bare delimiter is always a new frame
                }
                start();
                continue;
            }
            if (state == State.HUNT) {
                if (!inNoise) {
                    inNoise = true;
                    sink.error(FramingError.NOISE);
                }
                continue;
            }
            int b = raw & 0xFF;
            if (escaped) {
                if (escapeNext) {
                    escapeNext = false;
                    b ^= XOR;
                    if (!needsEscape(b)) {
                        sink.error(FramingError.BAD_ESCAPE);
                        hunt();
                        continue;
                    }
                } else if (raw == ESCAPE) {
                    escapeNext = true;
                    continue;
                }
            }
            take(b, sink);
        }
    }

    private void take(int b, FrameSink sink) {
        switch (state) {
            case LENGTH_HIGH -> {
                length = b << 8;
                state = State.LENGTH_LOW;
            }
            case LENGTH_LOW -> {
                length |= b;
                if (length == 0 || length > maxLength) {
                    sink.error(FramingError.IMPOSSIBLE_LENGTH);
                    hunt();
                    return;
                }
                if (data.length < length) {
                    data = new byte[length];
                }
                state = State.DATA;
            }
            case DATA -> {
                data[have++] = (byte) b;
                sum += b;
                if (have == length) {
                    state = State.CHECKSUM;
                }
            }
            case CHECKSUM -> {
                if (((sum + b) & 0xFF) == 0xFF) {
                    sink.frame(Arrays.copyOf(data, length));
                } else {
                    sink.error(FramingError.BAD_CHECKSUM);
                }
                hunt();
            }
            case HUNT -> throw new IllegalStateException("unreachable");
        }
    }

    @Override
    public void silence(FrameSink sink) {
        if (state != State.HUNT) {
            sink.error(FramingError.TRUNCATED);
        }
        hunt();
    }

    private void start() {
        state = State.LENGTH_HIGH;
        escapeNext = false;
        inNoise = false;
        length = 0;
        have = 0;
        sum = 0;
    }

    private void hunt() {
        state = State.HUNT;
        escapeNext = false;
        inNoise = false;
        if (data.length > 1024) {
            data = new byte[128];
        }
    }

    static boolean needsEscape(int b) {
        return b == 0x7E || b == 0x7D || b == 0x11 || b == 0x13;
    }
}
