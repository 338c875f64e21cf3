package io.sngw.transport.udp.dtls;

import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.crypto.TlsCrypto;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The stateless cookie exchange of RFC 6347 4.2.1 in front of every handshake: a ClientHello without a valid cookie
 * gets a HelloVerifyRequest and leaves nothing behind; only a ClientHello echoing the cookie (which proves that the
 * client receives at its source address) may start a handshake.
 *
 * <p>The cookie is Bouncy Castle's {@link DTLSVerifier}: an HMAC-SHA256, under a random 32-byte secret, over the
 * client's address and port and the ClientHello. The secret is rotated by replacing the verifier ({@link #rotate});
 * a cookie made under the previous secret is still accepted, so a rotation between HelloVerifyRequest and the
 * client's second ClientHello costs nothing, and a cookie lives at most two rotation periods.
 *
 * <p>Confined to the listener's I/O thread (verification and rotation both run there): no locks.
 */
final class CookieVerifier {
    private final TlsCrypto crypto;
    private DTLSVerifier current;
    private DTLSVerifier previous;

    CookieVerifier(TlsCrypto crypto) {
        this.crypto = crypto;
        this.current = new DTLSVerifier(crypto);
        this.previous = null;
    }

    /** A new secret; the one before stays acceptable until the next rotation. */
    void rotate() {
        previous = current;
        current = new DTLSVerifier(crypto);
    }

    /**
     * The request to start a handshake with when the datagram is a ClientHello with a valid cookie; otherwise null,
     * after handing a HelloVerifyRequest to {@code sendHelloVerifyRequest} when the datagram was a ClientHello at all.
     */
    DTLSRequest verify(InetSocketAddress from, byte[] datagram, Consumer<byte[]> sendHelloVerifyRequest) {
        byte[] clientId = clientId(from);
        Capture answer = new Capture();
        DTLSRequest request = current.verifyRequest(clientId, datagram, 0, datagram.length, answer);
        if (request == null && previous != null && answer.sent != null) {
            // Valid under the previous secret? Its own HelloVerifyRequest (with an outdated cookie) is thrown away.
            request = previous.verifyRequest(clientId, datagram, 0, datagram.length, new Capture());
        }
        if (request == null && answer.sent != null) {
            sendHelloVerifyRequest.accept(answer.sent);
        }
        return request;
    }

    /** What the cookie is bound to: the address bytes and the port, so a cookie is worthless from anywhere else. */
    private static byte[] clientId(InetSocketAddress from) {
        byte[] address = from.getAddress().getAddress();
        return ByteBuffer.allocate(address.length + 2).put(address).putShort((short) from.getPort()).array();
    }

    /** Keeps the HelloVerifyRequest a verifier would send, so that only one goes out, and only when needed. */
    private static final class Capture implements DatagramSender {
        byte[] sent;

        @Override
        public int getSendLimit() {
            return PeerChannel.SEND_LIMIT;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            sent = copy;
        }
    }
}
