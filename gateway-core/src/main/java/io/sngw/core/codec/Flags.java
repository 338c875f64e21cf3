package io.sngw.core.codec;

/** Bit layout of the MQTT-SN flags byte, shared by the decoder and the encoder. */
final class Flags {
    static final int DUP = 0x80;
    static final int RETAIN = 0x10;
    static final int WILL = 0x08;
    static final int CLEAN_SESSION = 0x04;
    private static final int TOPIC_ID_TYPE_MASK = 0x03;
    /** TopicIdType 0b11 is reserved in every message. */
    static final int TOPIC_ID_TYPE_RESERVED = 0b11;

    private static final int QOS_SHIFT = 5;
    /** QoS bits 0b11 stand for QoS -1, legal only in PUBLISH. */
    private static final int QOS_MINUS_ONE_BITS = 0b11;

    private Flags() {
    }

    static boolean isSet(int flags, int bit) {
        return (flags & bit) != 0;
    }

    static boolean isQosMinusOne(int flags) {
        return ((flags >> QOS_SHIFT) & 0b11) == QOS_MINUS_ONE_BITS;
    }

    /** The QoS of a flags byte: 0, 1, 2, or -1 for the bits 0b11. */
    static int qos(int flags) {
        int bits = (flags >> QOS_SHIFT) & 0b11;
        return bits == QOS_MINUS_ONE_BITS ? -1 : bits;
    }

    /** The QoS bits for a QoS of -1..2, already shifted into place. */
    static int qosBits(int qos) {
        return (qos < 0 ? QOS_MINUS_ONE_BITS : qos) << QOS_SHIFT;
    }

    static int topicIdType(int flags) {
        return flags & TOPIC_ID_TYPE_MASK;
    }

    static int bit(boolean on, int bit) {
        return on ? bit : 0;
    }
}
