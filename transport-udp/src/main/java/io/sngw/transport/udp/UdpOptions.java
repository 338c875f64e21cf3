package io.sngw.transport.udp;

import java.net.InetSocketAddress;

/**
 * How a UDP listener is set up.
 *
 * @param bindAddress        an IP literal (or host name) to bind; "0.0.0.0" listens on every IPv4 interface, "::" on
 *                           every interface for IPv4 and IPv6 (dual stack)
 * @param port               the UDP port, 0 for an ephemeral one (tests)
 * @param broadcastAddress   where {@link UdpTransport#broadcast} sends, as "host:port" or "[ipv6]:port" (e.g.
 *                           "255.255.255.255:1884" or "[ff02::1]:1884"); null when the link does not broadcast
 * @param receiveBufferBytes SO_RCVBUF: bursts of sensors waking at once must fit while the I/O thread catches up
 * @param sendBufferBytes    SO_SNDBUF
 * @param channels           sockets bound to the same port with SO_REUSEPORT, each with its own I/O thread, so that
 *                           receiving and decoding scale over cores (the kernel spreads senders over them by address,
 *                           so one sensor's datagrams stay in order); 1 where the kernel has no SO_REUSEPORT
 * @param io                 how the sockets are read: native epoll where it exists (AUTO), or as asked
 */
public record UdpOptions(String bindAddress, int port, String broadcastAddress, int receiveBufferBytes,
                         int sendBufferBytes, int channels, DatagramIo io) {

    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    /** The port the MQTT-SN gateways in the field listen on by convention. */
    public static final int DEFAULT_PORT = 1884;
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_SEND_BUFFER_BYTES = 1024 * 1024;

    /** With {@link #defaultChannels()} sockets. */
    public UdpOptions(String bindAddress, int port, String broadcastAddress, int receiveBufferBytes,
                      int sendBufferBytes) {
        this(bindAddress, port, broadcastAddress, receiveBufferBytes, sendBufferBytes, defaultChannels(), DatagramIo.AUTO);
    }

    /**
     * One socket per core, at most 4: beyond that the session loops and the broker link, not the sockets, limit a
     * small machine.
     */
    public static int defaultChannels() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public UdpOptions {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("UDP bind address must not be empty (use \"0.0.0.0\" or \"::\" for all interfaces)");
        }
        bindAddress = stripBrackets(bindAddress.strip());
        if (bindAddress.isEmpty() || bindAddress.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("UDP bind address is not an address: '" + bindAddress + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UDP port must be 0..65535 (0 = ephemeral): " + port);
        }
        if (broadcastAddress != null) {
            broadcastAddress = broadcastAddress.strip();
            HostPort.parse("UDP broadcast address", broadcastAddress); // fails early with the precise reason
        }
        if (receiveBufferBytes <= 0) {
            throw new IllegalArgumentException("UDP receive buffer must be positive, in bytes: " + receiveBufferBytes);
        }
        if (sendBufferBytes <= 0) {
            throw new IllegalArgumentException("UDP send buffer must be positive, in bytes: " + sendBufferBytes);
        }
        if (channels < 1 || channels > 64) {
            throw new IllegalArgumentException("UDP channels must be 1..64: " + channels);
        }
        if (io == null) {
            throw new IllegalArgumentException("UDP I/O must be auto, epoll or nio, not null");
        }
    }

    /** 0.0.0.0:1884, no broadcast, default buffers and channels. */
    public static UdpOptions defaults() {
        return new UdpOptions(DEFAULT_BIND_ADDRESS, DEFAULT_PORT, null, DEFAULT_RECEIVE_BUFFER_BYTES,
                DEFAULT_SEND_BUFFER_BYTES, defaultChannels(), DatagramIo.AUTO);
    }

    /** Loopback on an ephemeral port: what tests want. */
    public static UdpOptions loopbackEphemeral() {
        return defaults().withBindAddress("127.0.0.1").withPort(0);
    }

    public UdpOptions withBindAddress(String newBindAddress) {
        return new UdpOptions(newBindAddress, port, broadcastAddress, receiveBufferBytes, sendBufferBytes, channels, io);
    }

    public UdpOptions withPort(int newPort) {
        return new UdpOptions(bindAddress, newPort, broadcastAddress, receiveBufferBytes, sendBufferBytes, channels, io);
    }

    public UdpOptions withBroadcastAddress(String newBroadcastAddress) {
        return new UdpOptions(bindAddress, port, newBroadcastAddress, receiveBufferBytes, sendBufferBytes, channels, io);
    }

    public UdpOptions withBuffers(int newReceiveBufferBytes, int newSendBufferBytes) {
        return new UdpOptions(bindAddress, port, broadcastAddress, newReceiveBufferBytes, newSendBufferBytes, channels, io);
    }

    public UdpOptions withChannels(int newChannels) {
        return new UdpOptions(bindAddress, port, broadcastAddress, receiveBufferBytes, sendBufferBytes, newChannels, io);
    }

    public UdpOptions withIo(DatagramIo newIo) {
        return new UdpOptions(bindAddress, port, broadcastAddress, receiveBufferBytes, sendBufferBytes, channels, newIo);
    }

    /** The address to bind, resolved (a literal resolves without DNS). */
    public InetSocketAddress bindSocketAddress() {
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("UDP bind address cannot be resolved: '" + bindAddress + "'");
        }
        return address;
    }

    /** The broadcast destination, resolved, or null when none is configured. */
    public InetSocketAddress broadcastSocketAddress() {
        if (broadcastAddress == null) {
            return null;
        }
        HostPort hostPort = HostPort.parse("UDP broadcast address", broadcastAddress);
        InetSocketAddress address = new InetSocketAddress(hostPort.host(), hostPort.port());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("UDP broadcast address cannot be resolved: '" + broadcastAddress + "'");
        }
        return address;
    }

    private static String stripBrackets(String address) {
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    }
}
