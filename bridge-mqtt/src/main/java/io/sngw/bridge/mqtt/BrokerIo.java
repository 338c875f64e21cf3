package io.sngw.bridge.mqtt;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * How the broker connection's loop waits for its socket and its tasks: Netty's native epoll where its library loads
 * (Linux x86_64 and aarch64), Java NIO elsewhere. Every wake-up of the loop (a publish handed over, the broker's
 * PUBACK) costs less with epoll than with a NIO selector, and in a lockstep round trip the loop wakes twice.
 */
final class BrokerIo {
    private static final boolean EPOLL = Epoll.isAvailable();

    private BrokerIo() {
    }

    static IoHandlerFactory ioHandlerFactory() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** The channel type for a loop made with {@link #ioHandlerFactory()}. */
    static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
