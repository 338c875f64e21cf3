package io.sngw.transport.udp.dtls;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Hand-made DTLS 1.2 ClientHello datagrams, as a spoofing attacker or a client that never finishes would send them,
 * and the cookie out of a HelloVerifyRequest.
 */
final class ClientHellos {
    /** TLS_PSK_WITH_AES_128_CCM_8: a suite the listener accepts, so a verified ClientHello really starts a handshake. */
    static final int PSK_AES_128_CCM_8 = 0xC0A8;

    private ClientHellos() {
    }

    /** One ClientHello record in one datagram: message_seq 0 without a cookie, 1 with one (as after a HVR). */
    static byte[] clientHello(byte[] random, byte[] cookie, long recordSeq) {
        ByteBuffer body = ByteBuffer.allocate(2 + 32 + 1 + 1 + cookie.length + 2 + 4 + 2);
        body.put((byte) 0xFE).put((byte) 0xFD).put(random).put((byte) 0).put((byte) cookie.length).put(cookie);
        // The suite, and TLS_EMPTY_RENEGOTIATION_INFO_SCSV: without it a server refuses the handshake (RFC 5746).
        body.putShort((short) 4).putShort((short) PSK_AES_128_CCM_8).putShort((short) 0x00FF);
        body.put((byte) 1).put((byte) 0); // one compression method: null
        byte[] b = body.array();
        ByteBuffer handshake = ByteBuffer.allocate(12 + b.length);
        handshake.put((byte) 1).put(u24(b.length)).putShort((short) (cookie.length == 0 ? 0 : 1)).put(u24(0))
                .put(u24(b.length)).put(b);
        byte[] h = handshake.array();
        ByteBuffer record = ByteBuffer.allocate(13 + h.length);
        record.put((byte) 22).put((byte) 0xFE).put((byte) 0xFD).putShort((short) 0)
                .putShort((short) (recordSeq >>> 32)).putInt((int) recordSeq).putShort((short) h.length).put(h);
        return record.array();
    }

    /** The cookie of a HelloVerifyRequest datagram, or null when it is not one. */
    static byte[] cookieOf(byte[] datagram) {
        // record header 13, handshake header 12 (type 3 = hello_verify_request), server_version 2, cookie length 1
        if (datagram.length < 13 + 12 + 3 || datagram[0] != 22 || datagram[13] != 3) {
            return null;
        }
        int length = datagram[13 + 12 + 2] & 0xFF;
        int from = 13 + 12 + 3;
        return from + length <= datagram.length ? Arrays.copyOfRange(datagram, from, from + length) : null;
    }

    private static byte[] u24(int v) {
        return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
