package io.sngw.core.codec;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encoder and decoder for MQTT-SN 1.2, stateless and thread-safe. The decoder checks every length against the
 * bytes really present and returns {@link DecodeResult.Malformed} with a precise reason; it never throws.
 */
public final class MqttSnCodec {
    private MqttSnCodec() {
    }

    /**
     * Decodes one whole datagram (or frame): the Length field must cover exactly {@code length} bytes (an
     * encapsulation's outer Length covers its header only, and the inner message fills the rest). Never throws for
     * any content; a null array or a range outside it is the caller's bug and throws as usual.
     */
    public static DecodeResult decode(byte[] datagram, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, datagram.length);
        return Decoder.decode(datagram, offset, length);
    }

    public static DecodeResult decode(byte[] datagram) {
        return decode(datagram, 0, datagram.length);
    }

    /**
     * The type a datagram announces, read from its header alone, or null where the header is too short or the code
     * unknown: for answering a message the decoder refused (a CONNECT with a bad client id) with the right reply.
     */
    public static MsgType typeOf(byte[] datagram) {
        int at = datagram.length > 0 && (datagram[0] & 0xFF) == Decoder.THREE_BYTE_MARKER ? 3 : 1;
        return datagram.length > at ? MsgType.fromCode(datagram[at] & 0xFF) : null;
    }

    /**
     * The number of bytes {@link #encode(MqttSnMessage)} produces, length field included.
     *
     * @throws IllegalArgumentException if the message is longer than the 65535 bytes MQTT-SN can carry
     */
    public static int encodedLength(MqttSnMessage message) {
        return Encoder.encodedLength(message);
    }

    /**
     * Writes the message at the buffer's position; the buffer must have {@link #encodedLength} bytes left.
     *
     * @throws BufferOverflowException if it has fewer, before anything is written
     * @throws IllegalArgumentException if the message is longer than the 65535 bytes MQTT-SN can carry
     */
    public static void encode(MqttSnMessage message, ByteBuffer out) {
        Encoder.encode(message, out);
    }

    public static byte[] encode(MqttSnMessage message) {
        byte[] bytes = new byte[encodedLength(message)];
        encode(message, ByteBuffer.wrap(bytes));
        return bytes;
    }
}
