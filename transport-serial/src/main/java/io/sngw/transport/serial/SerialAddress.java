package io.sngw.transport.serial;

import io.sngw.core.link.LinkAddress;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A peer on a serial link: the line itself ({@link Line}: raw framing, one sensor or one forwarder per port), or a
 * radio node by its 64-bit address ({@link Radio}: XBee API). The port is part of the address, so that the same
 * radio on two ports is two peers. The 16-bit network address of a radio node is not: it changes when the node
 * rejoins, and the link keeps the latest one for replies.
 */
public sealed interface SerialAddress extends LinkAddress permits SerialAddress.Line, SerialAddress.Radio {

    String device();

    /**
     * Bytes that survive a restart, within this port's link (whose name carries the device): version 1, then
     * kind 0 for the line, or kind 1 and the 64-bit address for a radio node.
     */
    byte[] toPersistentForm();

    /** The inverse of {@link #toPersistentForm()} on {@code device}; null for anything else. */
    static SerialAddress fromPersistentForm(String device, byte[] form) {
        if (form == null || form.length < 2 || form[0] != Line.FORM_V1) {
            return null;
        }
        if (form[1] == Line.KIND && form.length == 2) {
            return new Line(device);
        }
        if (form[1] == Radio.KIND && form.length == 10) {
            return new Radio(device, ByteBuffer.wrap(form, 2, 8).getLong());
        }
        return null;
    }

    /** The sensor (or forwarder) at the other end of a point-to-point line. */
    record Line(String device) implements SerialAddress {
        static final byte FORM_V1 = 1;
        static final byte KIND = 0;

        public Line {
            Objects.requireNonNull(device, "device");
        }

        @Override
        public byte[] toPersistentForm() {
            return new byte[] {FORM_V1, KIND};
        }

        @Override
        public String toString() {
            return "serial:" + device;
        }
    }

    /** A radio node reached through the XBee module on the port, by its 64-bit (IEEE) address. */
    record Radio(String device, long address64) implements SerialAddress {
        static final byte KIND = 1;

        public Radio {
            Objects.requireNonNull(device, "device");
        }

        @Override
        public byte[] toPersistentForm() {
            return ByteBuffer.allocate(10).put(Line.FORM_V1).put(KIND).putLong(address64).array();
        }

        @Override
        public String toString() {
            return "serial:" + device + "/xbee:" + HexFormat.of().toHexDigits(address64);
        }
    }
}
