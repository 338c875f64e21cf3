package io.sngw.transport.udp;

import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioChannelOption;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/** SO_REUSEPORT for several datagram sockets on one port: whether the platform has it, and a guard before using it. */
final class ReusePort {
    static final ChannelOption<Boolean> OPTION = NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);

    private ReusePort() {
    }

    /** Whether NIO datagram sockets of this family take SO_REUSEPORT here (Linux, the BSDs and macOS do). */
    static boolean supported(SocketProtocolFamily family) {
        try (DatagramChannel probe = DatagramChannel.open(family.toJdkFamily())) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Fails when the port is taken. Without this check a second gateway started on the same port by mistake would
     * join the first one's SO_REUSEPORT group (the kernel allows it for the same user) and silently get half of the
     * sensors; a plain bind refuses a port that any socket holds.
     */
    static void checkFree(SocketProtocolFamily family, InetSocketAddress address) {
        if (address.getPort() == 0) {
            return; // an ephemeral port is free by definition
        }
        try (DatagramChannel probe = DatagramChannel.open(family.toJdkFamily())) {
            probe.bind(address);
        } catch (IOException e) {
            throw new UdpBindException(address.getHostString(), address.getPort(), e);
        }
    }
}
