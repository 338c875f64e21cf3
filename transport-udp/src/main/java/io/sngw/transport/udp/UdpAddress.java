package io.sngw.transport.udp;

import io.sngw.core.link.LinkAddress;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/** A peer on a UDP link: its socket address. Equal addresses are the same peer. */
public record UdpAddress(InetSocketAddress socket) implements LinkAddress {

    public UdpAddress {
        Objects.requireNonNull(socket, "socket");
    }

    /** "udp:host:port", with an IPv6 host in brackets so the port stays readable. */
    @Override
    public String toString() {
        String host = socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
        if (socket.getAddress() instanceof Inet6Address) {
            host = "[" + host + "]";
        }
        return "udp:" + host + ":" + socket.getPort();
    }
}
