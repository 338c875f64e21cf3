package io.sngw.core.linksec;

import java.util.HexFormat;

/**
 * The header every protected or pairing frame starts with (docs/radio-security.md): a 0x00 marker that no MQTT-SN
 * packet starts with, a kind, the total length, and the 64-bit device id. Only static helpers over byte arrays: the
 * frames are parsed where they arrive and never kept.
 */
public final class RadioFrame {
    public static final int MARKER = 0x00;
    public static final int KIND_DATA = 0x01;
    public static final int KIND_PAIR_HELLO = 0x10;
    public static final int KIND_PAIR_OFFER = 0x11;
    public static final int KIND_PAIR_CONFIRM = 0x12;
    public static final int KIND_PAIR_ACCEPT = 0x13;

    public static final int HEADER_LENGTH = 12;
    /** Header and counter: the associated data of a DATA or PAIR_ACCEPT frame. */
    public static final int SEALED_PREFIX = 16;
    public static final int MIC_LENGTH = 8;
    /** What protection adds to one MQTT-SN packet: header 12, counter 4, MIC 8. */
    public static final int OVERHEAD = SEALED_PREFIX + MIC_LENGTH;
    /** The largest frame the 16-bit length field describes. */
    public static final int MAX_LENGTH = 0xFFFF;

    public static final int HELLO_LENGTH = HEADER_LENGTH + 32;
    public static final int OFFER_LENGTH = HEADER_LENGTH + 32 + 16;
    public static final int CONFIRM_LENGTH = HEADER_LENGTH + 16;

    private RadioFrame() {
    }

    /** Whether a datagram is one of ours rather than plain MQTT-SN: the marker byte, which no MQTT-SN packet has. */
    public static boolean isRadioFrame(byte[] datagram) {
        return datagram.length > 0 && datagram[0] == MARKER;
    }

    /** Whether the datagram holds a whole header and its length field equals its real length. */
    public static boolean lengthMatches(byte[] frame) {
        return frame.length >= HEADER_LENGTH && length(frame) == frame.length;
    }

    public static int kind(byte[] frame) {
        return frame[1] & 0xFF;
    }

    public static int length(byte[] frame) {
        return ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
    }

    public static long devid(byte[] frame) {
        return getLong(frame, 4);
    }

    /** The counter of a DATA or PAIR_ACCEPT frame (bytes 12..15), unsigned. */
    public static long counter(byte[] frame) {
        return getInt(frame, HEADER_LENGTH) & 0xFFFFFFFFL;
    }

    /** Writes the 12-byte header at the start of {@code frame}, whose length is the total. */
    static void writeHeader(byte[] frame, int kind, long devid) {
        frame[0] = MARKER;
        frame[1] = (byte) kind;
        frame[2] = (byte) (frame.length >>> 8);
        frame[3] = (byte) frame.length;
        putLong(frame, 4, devid);
    }

    /** A header-only frame with room for {@code body} bytes after the header. */
    static byte[] frame(int kind, long devid, int body) {
        byte[] frame = new byte[HEADER_LENGTH + body];
        writeHeader(frame, kind, devid);
        return frame;
    }

    /** Sixteen lowercase hex digits, as devids are written in logs, the CLI and default client ids. */
    public static String hex(long devid) {
        return HexFormat.of().toHexDigits(devid);
    }

    /** The inverse of {@link #hex}; throws IllegalArgumentException unless given exactly 16 hex digits. */
    public static long parseDevid(String hex) {
        if (hex.length() != 16) {
            throw new IllegalArgumentException("expected 16 hex digits, got " + hex.length() + " characters");
        }
        return getLong(HexFormat.of().parseHex(hex), 0);
    }

    /** The client id a device gets when the operator names none: "sn-" and its devid in hex. */
    public static String defaultClientId(long devid) {
        return "sn-" + hex(devid);
    }

    static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xFFFFFFFFL);
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
