package io.sngw.sim.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Objects;

/** MQTT-SN over plain UDP: one datagram per message, on a socket of its own. */
public final class UdpClientTransport implements ClientTransport {
    private static final int MAX_DATAGRAM_BYTES = 65535;
    /** Room for a burst: a sleeping client that wakes gets everything buffered for it at once. */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    private final DatagramChannel channel;
    private final InetSocketAddress gateway;
    private final InetSocketAddress localAddress;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM_BYTES);

    private UdpClientTransport(DatagramChannel channel, InetSocketAddress gateway) throws IOException {
        this.channel = channel;
        this.gateway = gateway;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * A socket bound to {@code localAddress}, or when null to an ephemeral port (on the gateway's loopback address
     * when the gateway is on loopback, so that the gateway sees exactly {@link #localAddress()}).
     *
     * @throws UncheckedIOException when the socket cannot be bound
     */
    public static UdpClientTransport open(InetSocketAddress gateway, InetSocketAddress localAddress) {
        requireResolved(gateway);
        InetSocketAddress bindTo = localAddress != null ? localAddress : defaultLocal(gateway);
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open(gateway.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.bind(bindTo);
            return new UdpClientTransport(channel, gateway);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("MQTT-SN client cannot bind UDP " + bindTo + ": " + e.getMessage(), e);
        }
    }

    static void requireResolved(InetSocketAddress gateway) {
        Objects.requireNonNull(gateway, "gateway");
        if (gateway.isUnresolved()) {
            throw new IllegalArgumentException("gateway address is not resolved: " + gateway);
        }
    }

    /** Loopback talks to loopback: the gateway then sees exactly the bound address. */
    static InetSocketAddress defaultLocal(InetSocketAddress gateway) {
        InetAddress address = gateway.getAddress();
        return address.isLoopbackAddress() ? new InetSocketAddress(address, 0) : new InetSocketAddress(0);
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return gateway;
    }

    @Override
    public void send(byte[] message) throws IOException {
        channel.send(ByteBuffer.wrap(message), gateway);
    }

    /** Only the receiver thread calls this: the buffer is its own. */
    @Override
    public byte[] receive() throws IOException {
        buffer.clear();
        channel.receive(buffer);
        buffer.flip();
        return Arrays.copyOf(buffer.array(), buffer.remaining());
    }

    @Override
    public String kind() {
        return "udp";
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }
}
