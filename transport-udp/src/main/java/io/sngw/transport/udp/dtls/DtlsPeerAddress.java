package io.sngw.transport.udp.dtls;

import io.sngw.core.link.LinkAddress;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A peer on the DTLS link: its socket address and who its handshake proved it to be.
 *
 * <p>The identity is part of equality on purpose. A sensor that reboots and handshakes again from the same socket
 * with the same identity is the same address, so its session in the core carries on; a handshake from that socket
 * with another identity is a different address, so nothing the core sends to (or keeps for) the old identity reaches
 * the new peer, and the new peer's datagrams are never taken for the old one's.
 *
 * @param socket                 the peer's UDP socket address
 * @param identity               the PSK identity, or the subject (its CN when it has one) of a client certificate
 *                               verified against the configured CA; null when the peer is anonymous (certificate
 *                               suite without client certificates)
 * @param certificateFingerprint lowercase hex SHA-256 of the client certificate (DER), as the device registry keeps
 *                               it; null on PSK suites and for anonymous peers
 */
public record DtlsPeerAddress(InetSocketAddress socket, String identity, String certificateFingerprint)
        implements LinkAddress {

    public DtlsPeerAddress {
        Objects.requireNonNull(socket, "socket");
    }

    @Override
    public String authenticatedIdentity() {
        return identity;
    }

    /** "dtls:host:port/identity" ("dtls:host:port" when anonymous), an IPv6 host in brackets. */
    @Override
    public String toString() {
        String host = socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
        if (socket.getAddress() instanceof Inet6Address) {
            host = "[" + host + "]";
        }
        return "dtls:" + host + ":" + socket.getPort() + (identity == null ? "" : "/" + identity);
    }
}
