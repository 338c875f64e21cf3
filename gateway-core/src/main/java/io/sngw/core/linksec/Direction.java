package io.sngw.core.linksec;

/** Which way a protected frame travels; its byte is the last byte of the CCM nonce, so the two never share a nonce. */
public enum Direction {
    /** Sensor to gateway. */
    UPLINK(0x00),
    /** Gateway to sensor. */
    DOWNLINK(0x01);

    private final int nonceByte;

    Direction(int nonceByte) {
        this.nonceByte = nonceByte;
    }

    public int nonceByte() {
        return nonceByte;
    }
}
