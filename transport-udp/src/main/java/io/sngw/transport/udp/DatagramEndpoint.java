package io.sngw.transport.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One bound Netty datagram channel (native epoll or NIO, see {@link DatagramIo}) with its own single I/O thread: the socket under the plain UDP listener and
 * under the DTLS listener. Public for {@code io.sngw.transport.udp.dtls}; not an API for anyone else.
 */
public final class DatagramEndpoint {
    private static final System.Logger LOG = System.getLogger(DatagramEndpoint.class.getName());

    /** The largest UDP payload there is; a smaller receive buffer would silently truncate big datagrams. */
    public static final int MAX_DATAGRAM_BYTES = 65535;
    private static final long CLOSE_TIMEOUT_MILLIS = 3000;

    private final EventLoopGroup group;
    private final Channel channel;

    private DatagramEndpoint(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code bindTo} and starts reading into {@code handler} on a new I/O thread named {@code threadPrefix}, with
     * the I/O {@link DatagramIo#AUTO} picks. An IPv6 bind ("::") is dual stack; an IPv4 bind gets an IPv4 socket so
     * that broadcast works plainly.
     *
     * @param bindAddress as configured, for the error message
     * @throws UdpBindException when the socket cannot be bound; nothing is left running then
     */
    public static DatagramEndpoint bind(String threadPrefix, String bindAddress, InetSocketAddress bindTo,
                                        int receiveBufferBytes, int sendBufferBytes, ChannelHandler handler) {
        return bind(threadPrefix, bindAddress, bindTo, receiveBufferBytes, sendBufferBytes, handler, false,
                DatagramIo.AUTO.resolve());
    }

    /**
     * As {@link #bind(String, String, InetSocketAddress, int, int, ChannelHandler)}, read with {@code io} (EPOLL or
     * NIO, as {@link DatagramIo#resolve()} answered), and with SO_REUSEPORT set when {@code reusePort}: several
     * endpoints then share one port, the kernel picking one per sender.
     */
    static DatagramEndpoint bind(String threadPrefix, String bindAddress, InetSocketAddress bindTo,
                                 int receiveBufferBytes, int sendBufferBytes, ChannelHandler handler,
                                 boolean reusePort, DatagramIo io) {
        SocketProtocolFamily family = familyOf(bindTo);
        // Not a daemon thread: in the appliance the I/O thread is what keeps the JVM serving.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadPrefix, false),
                io.ioHandlerFactory());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .option(ChannelOption.SO_RCVBUF, receiveBufferBytes)
                .option(ChannelOption.SO_SNDBUF, sendBufferBytes)
                .option(ChannelOption.SO_BROADCAST, true)
                .handler(handler);
        io.configure(bootstrap, family, reusePort);
        ChannelFuture bound = bootstrap.bind(bindTo).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
            throw new UdpBindException(bindAddress, bindTo.getPort(), bound.cause());
        }
        Channel channel = bound.channel();
        if (channel.config().getRecvByteBufAllocator() instanceof KeptReadBuffer kept) {
            channel.closeFuture().addListener(closed -> kept.release()); // on the loop, after its last read
        }
        return new DatagramEndpoint(group, channel);
    }

    /** An IPv6 bind ("::") gets a dual-stack socket; an IPv4 bind an IPv4 socket, so that broadcast works plainly. */
    static SocketProtocolFamily familyOf(InetSocketAddress bindTo) {
        return bindTo.getAddress() instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    }

    /** EPOLL or NIO: how this socket is read. */
    public DatagramIo io() {
        return channel instanceof EpollDatagramChannel ? DatagramIo.EPOLL : DatagramIo.NIO;
    }

    public Channel channel() {
        return channel;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Warns when the kernel capped SO_RCVBUF below what was asked, and logs that {@code name} is listening. */
    public void logListening(String name, int requestedReceiveBufferBytes) {
        logListening(name, requestedReceiveBufferBytes, 1);
    }

    /** As {@link #logListening(String, int)}, for {@code sockets} endpoints sharing the port with SO_REUSEPORT. */
    public void logListening(String name, int requestedReceiveBufferBytes, int sockets) {
        int effective = channel.config().getOption(ChannelOption.SO_RCVBUF);
        // Linux caps SO_RCVBUF at net.core.rmem_max without failing; a burst of waking sensors is then lost.
        if (effective < requestedReceiveBufferBytes) {
            LOG.log(System.Logger.Level.WARNING, name + ": receive buffer is " + effective + " bytes, "
                    + requestedReceiveBufferBytes + " requested; raise net.core.rmem_max to get it");
        }
        LOG.log(System.Logger.Level.INFO, name + " listening (" + io().configName() + ", " + (sockets > 1
                ? sockets + " sockets with SO_REUSEPORT, " : "") + "SO_RCVBUF " + effective + " bytes)");
    }

    /**
     * Closes the socket, then stops the I/O thread, each within a bounded time. Tasks already queued on the loop
     * (a drain of outbound datagrams) run before the close.
     */
    public void close(String name) {
        if (!channel.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS)) {
            LOG.log(System.Logger.Level.WARNING, name + ": socket did not close within " + CLOSE_TIMEOUT_MILLIS + " ms");
        }
        if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS)) {
            LOG.log(System.Logger.Level.WARNING, name + ": I/O thread did not stop within " + CLOSE_TIMEOUT_MILLIS
                    + " ms");
        }
    }
}
