package io.sngw.transport.udp;

import io.sngw.core.link.LinkAddress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Objects;

/** A peer on a UDP link: its socket address. Equal addresses are the same peer. */
public record UdpAddress(InetSocketAddress socket) implements LinkAddress {

    public UdpAddress {
        Objects.requireNonNull(socket, "socket");
        socket = withoutEmptyScope(socket);
    }

    /**
     * Native epoll hands IPv6 senders over with a scope id of 0 set explicitly ("::1%0"), NIO without one ("::1"):
     * equal either way, but they would print and log differently. A scope of 0 without an interface is no scope.
     */
    private static InetSocketAddress withoutEmptyScope(InetSocketAddress socket) {
        if (socket.getAddress() instanceof Inet6Address v6 && v6.getScopeId() == 0 && v6.getScopedInterface() == null
                && v6.getHostAddress().indexOf('%') >= 0) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(v6.getAddress()), socket.getPort());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are an IPv6 address", e);
            }
        }
        return socket;
    }

    /** First byte of the persistent form: a version, so that the layout can change without misreading old rows. */
    private static final byte FORM_V1 = 1;
    private static final int IPV4_FORM_BYTES = 1 + 4 + 2;
    private static final int IPV6_FORM_BYTES = 1 + 16 + 4 + 2;

    /**
     * The address as bytes that survive a restart: version 1, the 4 or 16 address bytes, for IPv6 the 4-byte scope
     * id (0 when none; a link-local peer needs it to be reached again), and the port, big-endian. The length tells
     * the family. An unresolved address (none comes from a socket) has no form: null.
     */
    public byte[] toPersistentForm() {
        InetAddress address = socket.getAddress();
        if (address == null) {
            return null;
        }
        byte[] raw = address.getAddress();
        ByteBuffer form = ByteBuffer.allocate(raw.length == 4 ? IPV4_FORM_BYTES : IPV6_FORM_BYTES);
        form.put(FORM_V1).put(raw);
        if (address instanceof Inet6Address v6) {
            form.putInt(v6.getScopeId());
        }
        form.putShort((short) socket.getPort());
        return form.array();
    }

    /** The inverse of {@link #toPersistentForm()}; null for anything that is not exactly such a form. */
    public static UdpAddress fromPersistentForm(byte[] form) {
        if (form == null || (form.length != IPV4_FORM_BYTES && form.length != IPV6_FORM_BYTES) || form[0] != FORM_V1) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(form, 1, form.length - 1);
        byte[] raw = new byte[form.length == IPV4_FORM_BYTES ? 4 : 16];
        in.get(raw);
        try {
            InetAddress address = raw.length == 4 ? Inet4Address.getByAddress(raw)
                    : scoped(raw, in.getInt());
            int port = in.getShort() & 0xFFFF;
            return new UdpAddress(new InetSocketAddress(address, port));
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }

    private static InetAddress scoped(byte[] raw, int scopeId) throws UnknownHostException {
        // Inet6Address.getByAddress would turn an IPv4-mapped address into an Inet4Address anyway; keep it uniform.
        return scopeId == 0 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, scopeId);
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
