package io.sngw.transport.serial;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The XBee API frames this project reads and writes, built and taken apart: Zigbee Transmit Request (0x10, gateway
 * to radio), Zigbee Receive Packet (0x90, radio to gateway), Transmit Status (0x8B) and Modem Status (0x8A).
 * Layouts in docs/serial-framing.md. Used by the gateway's link and by the simulator's emulated module alike.
 */
public final class XBeeApi {
    public static final int TRANSMIT_REQUEST = 0x10;
    public static final int RECEIVE_PACKET = 0x90;
    public static final int TRANSMIT_STATUS = 0x8B;
    public static final int MODEM_STATUS = 0x8A;

    /** The 64-bit broadcast address; sent with the 16-bit address 0xFFFE. */
    public static final long BROADCAST_64 = 0xFFFFL;
    /** "16-bit address unknown": the module finds the node by its 64-bit address. */
    public static final int UNKNOWN_16 = 0xFFFE;

    /** Bytes before the RF data: 0x10, frame id, 64-bit, 16-bit, radius, options. */
    public static final int TRANSMIT_HEADER = 14;
    /** Bytes before the RF data: 0x90, 64-bit, 16-bit, options. */
    public static final int RECEIVE_HEADER = 12;

    private XBeeApi() {
    }

    /** A Transmit Request's frame data; frame id 0 asks for no Transmit Status. */
    public static byte[] transmitRequest(int frameId, long destination64, int destination16, byte[] rfData) {
        return ByteBuffer.allocate(TRANSMIT_HEADER + rfData.length).put((byte) TRANSMIT_REQUEST).put((byte) frameId)
                .putLong(destination64).putShort((short) destination16).put((byte) 0).put((byte) 0).put(rfData)
                .array();
    }

    /** A Receive Packet's frame data (options 0x01: acknowledged; 0x02: a broadcast). */
    public static byte[] receivePacket(long source64, int source16, int options, byte[] rfData) {
        return ByteBuffer.allocate(RECEIVE_HEADER + rfData.length).put((byte) RECEIVE_PACKET).putLong(source64)
                .putShort((short) source16).put((byte) options).put(rfData).array();
    }

    /** A Transmit Status' frame data: delivery status 0 is success. */
    public static byte[] transmitStatus(int frameId, int destination16, int retries, int deliveryStatus) {
        return new byte[] {(byte) TRANSMIT_STATUS, (byte) frameId, (byte) (destination16 >> 8), (byte) destination16,
                (byte) retries, (byte) deliveryStatus, 0};
    }

    public static byte[] modemStatus(int status) {
        return new byte[] {(byte) MODEM_STATUS, (byte) status};
    }

    /** The API identifier of frame data. */
    public static int type(byte[] frameData) {
        return frameData[0] & 0xFF;
    }

    /** The 64-bit address at {@code offset} of frame data. */
    public static long address64(byte[] frameData, int offset) {
        return ByteBuffer.wrap(frameData, offset, 8).getLong();
    }

    public static int address16(byte[] frameData, int offset) {
        return ((frameData[offset] & 0xFF) << 8) | (frameData[offset + 1] & 0xFF);
    }

    /** The RF data of a Receive Packet or Transmit Request ({@code header} bytes in). */
    public static byte[] rfData(byte[] frameData, int header) {
        byte[] out = new byte[frameData.length - header];
        System.arraycopy(frameData, header, out, 0, out.length);
        return out;
    }

    /**
     * The frame on the wire: delimiter, length, data, checksum; in API mode 2 ({@code escaped}) every byte after
     * the delimiter that is 0x7E, 0x7D, 0x11 or 0x13 escaped.
     */
    public static byte[] frame(byte[] frameData, boolean escaped) {
        int sum = 0;
        for (byte b : frameData) {
            sum += b & 0xFF;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(frameData.length + 8);
        out.write(XBeeFrameDecoder.DELIMITER);
        put(out, frameData.length >> 8, escaped);
        put(out, frameData.length, escaped);
        for (byte b : frameData) {
            put(out, b, escaped);
        }
        put(out, 0xFF - (sum & 0xFF), escaped);
        return out.toByteArray();
    }

    private static void put(ByteArrayOutputStream out, int value, boolean escaped) {
        int b = value & 0xFF;
        if (escaped && XBeeFrameDecoder.needsEscape(b)) {
            out.write(XBeeFrameDecoder.ESCAPE);
            out.write(b ^ XBeeFrameDecoder.XOR);
        } else {
            out.write(b);
        }
    }
}
