package io.sngw.transport.udp;

import io.sngw.core.link.LinkAddress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/** A peer on a UDP link: its socket address. Equal addresses are the same peer. */
public record UdpAddress(InetSocketAddress socket) implements LinkAddress {

    public UdpAddress {
        Objects.requireNonNull(socket, "socket");
    }

    /** The address bytes (4 or 16) followed by the port (2 bytes): what the store keeps across a restart. */
    public byte[] toBytes() {
        byte[] ip = socket.getAddress().getAddress();
        return ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) socket.getPort()).array();
    }

    /** The inverse of {@link #toBytes()}; null for anything else. */
    public static UdpAddress fromBytes(byte[] form) {
        if (form == null || (form.length != 6 && form.length != 18)) {
            return null;
        }
        try {
            InetAddress ip = InetAddress.getByAddress(Arrays.copyOf(form, form.length - 2));
            int port = ((form[form.length - 2] & 0xFF) << 8) | (form[form.length - 1] & 0xFF);
            return new UdpAddress(new InetSocketAddress(ip, port));
        } catch (UnknownHostException e) {
            return null; // unreachable: the length was checked
        }
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
