package io.sngw.transport.serial;

/** Why bytes read from a serial line were discarded. Each is counted per port; none stops the reader. */
public enum FramingError {
    /** A length field no packet can have (raw: 0, a 3-byte form below 4, above the largest frame; XBee: 0). */
    IMPOSSIBLE_LENGTH,
    /** A packet or frame cut short: the line went silent, or (XBee API 2) a new frame began inside it. */
    TRUNCATED,
    /** An XBee frame whose checksum does not add up. */
    BAD_CHECKSUM,
    /** XBee API 2: an escape byte (0x7D) followed by a byte that is never escaped, or nothing. */
    BAD_ESCAPE,
    /** An XBee frame that is well formed but of a type the gateway does not handle (or too short for its type). */
    UNHANDLED_FRAME_TYPE,
    /** A run of bytes outside any frame: before an XBee start delimiter, or read while resynchronising. */
    NOISE;

    /** "impossible-length", "bad-checksum", ...: the counter's key. */
    public String key() {
        return name().toLowerCase().replace('_', '-');
    }
}
