package io.sngw.core.codec;

/** Range checks shared by the message records: a record never holds a value the wire cannot carry. */
final class Fields {
    private Fields() {
    }

    static void checkU8(String what, int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException(what + " must be 0..255: " + value);
        }
    }

    static void checkU16(String what, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " must be 0..65535: " + value);
        }
    }

    static void checkQos(int qos, boolean allowMinusOne) {
        if (qos < (allowMinusOne ? -1 : 0) || qos > 2) {
            throw new IllegalArgumentException("QoS must be " + (allowMinusOne ? "-1" : "0") + "..2: " + qos);
        }
    }

    static byte[] nonNull(byte[] bytes) {
        return bytes == null ? new byte[0] : bytes;
    }
}
