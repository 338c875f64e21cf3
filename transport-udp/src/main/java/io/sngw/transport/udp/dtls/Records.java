package io.sngw.transport.udp.dtls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DTLS 1.2 record framing (RFC 6347 4.1), checked at the edge before Bouncy Castle sees a byte: a datagram carries
 * one or more records, each a 13-byte header (type, version, epoch, 48-bit sequence number, length) and a body of
 * exactly that length. Nothing here trusts a length field it has not checked against what is really there.
 */
final class Records {
    static final int HEADER_BYTES = 13;
    /** 2^14 bytes of plaintext plus the 2048 bytes of expansion RFC 5246 6.2.3 allows a ciphertext. */
    static final int MAX_BODY_BYTES = (1 << 14) + 2048;
    static final int MAX_RECORD_BYTES = HEADER_BYTES + MAX_BODY_BYTES;

    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;
    static final int APPLICATION_DATA = 23;
    static final int HEARTBEAT = 24;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    /** Offset of the 32-byte random in a ClientHello record: header, 12-byte handshake header, 2-byte version. */
    private static final int CLIENT_HELLO_RANDOM_OFFSET = HEADER_BYTES + 12 + 2;

    private Records() {
    }

    /**
     * The records of a datagram, each copied into its own array, or null when the framing does not hold anywhere
     * in it (then nothing of it is used: a datagram is accepted or dropped whole).
     */
    static List<byte[]> split(byte[] datagram) {
        List<byte[]> records = new ArrayList<>(1);
        int off = 0;
        while (off < datagram.length) {
            int remaining = datagram.length - off;
            if (remaining < HEADER_BYTES) {
                return null;
            }
            int type = datagram[off] & 0xFF;
            if (type < CHANGE_CIPHER_SPEC || type > HEARTBEAT) {
                return null; // includes tls12_cid (25): no connection ids are negotiated here
            }
            if ((datagram[off + 1] & 0xFF) != 0xFE) {
                return null; // DTLS versions are 0xFEFF (1.0) and 0xFEFD (1.2)
            }
            int length = ((datagram[off + 11] & 0xFF) << 8) | (datagram[off + 12] & 0xFF);
            if (length > MAX_BODY_BYTES || length > remaining - HEADER_BYTES) {
                return null;
            }
            records.add(Arrays.copyOfRange(datagram, off, off + HEADER_BYTES + length));
            off += HEADER_BYTES + length;
        }
        return records.isEmpty() ? null : records;
    }

    static int type(byte[] record) {
        return record[0] & 0xFF;
    }

    static int epoch(byte[] record) {
        return ((record[3] & 0xFF) << 8) | (record[4] & 0xFF);
    }

    static long sequenceNumber(byte[] record) {
        long seq = 0;
        for (int i = 5; i < 11; i++) {
            seq = (seq << 8) | (record[i] & 0xFF);
        }
        return seq;
    }

    /** Whether the record is an unencrypted (epoch 0) handshake record carrying the start of a ClientHello. */
    /**
     * Whether a datagram starts with a ClientHello record, read in place from Netty's buffer: a flood of them is shed
     * before anything is copied.
     */
    static boolean startsWithClientHello(io.netty.buffer.ByteBuf datagram) {
        int at = datagram.readerIndex();
        return datagram.readableBytes() > HEADER_BYTES && datagram.getUnsignedByte(at) == HANDSHAKE
                && datagram.getUnsignedShort(at + 3) == 0 && datagram.getUnsignedByte(at + HEADER_BYTES) == HANDSHAKE_CLIENT_HELLO;
    }

    /**
     * Whether a ClientHello (at the start of {@code datagram}, see {@link #startsWithClientHello}) carries a cookie: the
     * answer to a HelloVerifyRequest. One without is what a spoofed flood sends, and answering it costs an HMAC and a
     * datagram.
     */
    static boolean clientHelloHasCookie(io.netty.buffer.ByteBuf datagram) {
        int sessionIdLength = CLIENT_HELLO_RANDOM_OFFSET + 32;
        int at = datagram.readerIndex();
        if (datagram.readableBytes() <= sessionIdLength) {
            return false;
        }
        int cookieLength = sessionIdLength + 1 + datagram.getUnsignedByte(at + sessionIdLength);
        return datagram.readableBytes() > cookieLength && datagram.getUnsignedByte(at + cookieLength) > 0;
    }

    static boolean isClientHello(byte[] record) {
        return record.length > HEADER_BYTES && type(record) == HANDSHAKE && epoch(record) == 0
                && (record[HEADER_BYTES] & 0xFF) == HANDSHAKE_CLIENT_HELLO;
    }

    /** The client random of a ClientHello record, or null when the record is too short to hold one. */
    static byte[] clientRandom(byte[] clientHello) {
        if (clientHello.length < CLIENT_HELLO_RANDOM_OFFSET + 32) {
            return null;
        }
        return Arrays.copyOfRange(clientHello, CLIENT_HELLO_RANDOM_OFFSET, CLIENT_HELLO_RANDOM_OFFSET + 32);
    }
}
