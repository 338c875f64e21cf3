package io.sngw.core.codec;

import java.nio.ByteBuffer;

/**
 * Encoder and decoder for MQTT-SN 1.2, stateless and thread-safe. The decoder checks every length against the
 * bytes really present and returns {@link DecodeResult.Malformed} with a precise reason; it never throws.
 */
public final class MqttSnCodec {
    private MqttSnCodec() {
    }

    /** Decodes one whole datagram (or frame): the Length field must cover exactly {@code length} bytes. */
    public static DecodeResult decode(byte[] datagram, int offset, int length) {
        throw new UnsupportedOperationException("codec being written");
    }

    public static DecodeResult decode(byte[] datagram) {
        return decode(datagram, 0, datagram.length);
    }

    /** The number of bytes {@link #encode(MqttSnMessage)} produces, length field included. */
    public static int encodedLength(MqttSnMessage message) {
        throw new UnsupportedOperationException("codec being written");
    }

    /** Writes the message at the buffer's position; the buffer must have {@link #encodedLength} bytes left. */
    public static void encode(MqttSnMessage message, ByteBuffer out) {
        throw new UnsupportedOperationException("codec being written");
    }

    public static byte[] encode(MqttSnMessage message) {
        byte[] bytes = new byte[encodedLength(message)];
        encode(message, ByteBuffer.wrap(bytes));
        return bytes;
    }
}
