package io.sngw.core.codec;

/** Return codes of CONNACK, REGACK, PUBACK, SUBACK, WILLTOPICRESP and WILLMSGRESP. */
public enum ReturnCode {
    ACCEPTED(0x00), CONGESTION(0x01), INVALID_TOPIC_ID(0x02), NOT_SUPPORTED(0x03);

    private final int code;

    ReturnCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The return code for a wire value, or null where the value is reserved. */
    public static ReturnCode fromCode(int code) {
        return switch (code) {
            case 0x00 -> ACCEPTED;
            case 0x01 -> CONGESTION;
            case 0x02 -> INVALID_TOPIC_ID;
            case 0x03 -> NOT_SUPPORTED;
            default -> null;
        };
    }
}
