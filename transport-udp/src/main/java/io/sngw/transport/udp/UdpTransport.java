package io.sngw.transport.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One UDP listener implementing the core's link port on Netty NIO datagram channels: {@link UdpOptions#channels()}
 * sockets bound to the same port with SO_REUSEPORT (where the kernel has it), each with its own I/O thread. The
 * kernel picks the socket by the sender's address, so each sensor is always read by the same thread and its
 * datagrams stay in order, while different sensors are received and decoded on different cores.
 *
 * <p>Inbound datagrams are copied and handed to the receiver on their socket's I/O thread. Outbound datagrams are queued by
 * {@link #send} from any thread and written in batches with one flush per event-loop turn. Lifecycle: construct,
 * {@link #start()} once, {@link #close()} once (idempotent).
 */
public final class UdpTransport implements Link, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UdpTransport.class.getName());

    /** The largest UDP payload there is; a smaller receive buffer would silently truncate big datagrams. */
    static final int MAX_DATAGRAM_BYTES = 65535;
    /** Outbound datagrams allowed to wait for the I/O thread; past it they are dropped, as radio would. */
    static final int MAX_PENDING_OUT = 65536;
    private static final long CLOSE_TIMEOUT_MILLIS = 3000;

    private enum State { NEW, RUNNING, CLOSED }

    private final UdpOptions options;
    private final LinkReceiver receiver;
    private final UdpStats stats = new UdpStats();
    private final Object lifecycle = new Object();

    private State state = State.NEW; // guarded by lifecycle
    private EventLoopGroup group; // guarded by lifecycle
    private volatile List<Channel> channels = List.of();
    /** One per channel; a peer is always sent to through the same one, so its datagrams stay in order. */
    private volatile OutboundBatcher[] outbound;
    private volatile InetSocketAddress broadcastTo;
    private volatile String name;

    public UdpTransport(UdpOptions options, LinkReceiver receiver) {
        this.options = Objects.requireNonNull(options, "options");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.name = formatName(options.bindAddress(), options.port());
    }

    /**
     * Binds the socket and starts reading.
     *
     * @throws UdpBindException      when the address cannot be resolved or bound (in use, not local, no permission)
     * @throws IllegalStateException when already started or closed
     */
    public void start() {
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException(name + " cannot start: it is " + state);
            }
            InetSocketAddress bindTo;
            try {
                bindTo = options.bindSocketAddress();
                broadcastTo = options.broadcastSocketAddress();
            } catch (IllegalArgumentException e) {
                throw new UdpBindException(options.bindAddress(), options.port(), e);
            }
            // An IPv6 socket bound to "::" is dual stack; an IPv4 bind gets an IPv4 socket so broadcast works plainly.
            SocketProtocolFamily family = bindTo.getAddress() instanceof Inet6Address
                    ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
            int count = options.channels() > 1 && ReusePort.supported(family) ? options.channels() : 1;
            // Not daemon threads: in the appliance the I/O threads are what keep the JVM serving.
            EventLoopGroup newGroup = new MultiThreadIoEventLoopGroup(count,
                    new DefaultThreadFactory("sngw-udp-" + options.port(), false), NioIoHandler.newFactory());
            Bootstrap bootstrap = new Bootstrap()
                    .group(newGroup)
                    .channelFactory((ChannelFactory<NioDatagramChannel>) () -> new NioDatagramChannel(family))
                    .option(ChannelOption.SO_RCVBUF, options.receiveBufferBytes())
                    .option(ChannelOption.SO_SNDBUF, options.sendBufferBytes())
                    .option(ChannelOption.SO_BROADCAST, true)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES))
                    .handler(new InboundHandler(this, receiver, stats));
            List<Channel> bound = new ArrayList<>(count);
            try {
                if (count > 1) {
                    ReusePort.checkFree(family, bindTo); // SO_REUSEPORT would share the port with another gateway
                    bootstrap.option(ReusePort.OPTION, true);
                }
                for (int i = 0; i < count; i++) {
                    // The first bind settles the port (an ephemeral one for port 0); the others join it.
                    InetSocketAddress address = i == 0 ? bindTo
                            : new InetSocketAddress(bindTo.getAddress(), ((InetSocketAddress) bound.get(0).localAddress()).getPort());
                    ChannelFuture f = bootstrap.bind(address).awaitUninterruptibly();
                    if (!f.isSuccess()) {
                        throw new UdpBindException(options.bindAddress(), options.port(), f.cause());
                    }
                    bound.add(f.channel());
                }
            } catch (UdpBindException e) {
                bound.forEach(Channel::close);
                newGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
                state = State.CLOSED;
                throw e;
            }
            group = newGroup;
            channels = List.copyOf(bound);
            OutboundBatcher[] batchers = new OutboundBatcher[count];
            for (int i = 0; i < count; i++) {
                batchers[i] = new OutboundBatcher(bound.get(i), stats, MAX_PENDING_OUT / count);
            }
            outbound = batchers;
            InetSocketAddress local = (InetSocketAddress) bound.get(0).localAddress();
            name = formatName(options.bindAddress(), local.getPort());
            state = State.RUNNING;
            logBuffers(bound.get(0), count);
        }
    }

    /** The bound socket address (with the real port when the options asked for port 0). */
    public InetSocketAddress localAddress() {
        List<Channel> chs = channels;
        if (chs.isEmpty()) {
            throw new IllegalStateException(name + " is not started");
        }
        return (InetSocketAddress) chs.get(0).localAddress();
    }

    /** "udp:BIND:PORT", e.g. "udp:0.0.0.0:1884" or "udp:[::]:1884"; the real port once started. */
    /** See {@link UdpAddress#toPersistentForm()}; null for addresses of other links. */
    @Override
    public byte[] persistentForm(LinkAddress address) {
        return address instanceof UdpAddress udp ? udp.toPersistentForm() : null;
    }

    @Override
    public LinkAddress fromPersistentForm(byte[] form) {
        return UdpAddress.fromPersistentForm(form);
    }

    @Override
    public String name() {
        return name;
    }

    public UdpStats stats() {
        return stats;
    }

    public boolean isRunning() {
        synchronized (lifecycle) {
            return state == State.RUNNING;
        }
    }

    /**
     * Queues one datagram to a {@link UdpAddress}; never blocks. The array is sent as is, not copied: the caller
     * must not modify it afterwards. Before {@link #start()} and after {@link #close()} the datagram is dropped.
     */
    @Override
    public void send(LinkAddress to, byte[] message) {
        Objects.requireNonNull(message, "message");
        if (!(to instanceof UdpAddress udp)) {
            throw new IllegalArgumentException(name + " can only send to a UdpAddress, not " + to);
        }
        enqueue(udp.socket(), message);
    }

    /** Sends to the configured broadcast address; a no-op when none is configured. */
    @Override
    public void broadcast(byte[] message) {
        Objects.requireNonNull(message, "message");
        InetSocketAddress to = broadcastTo;
        if (to != null) {
            enqueue(to, message);
        }
    }

    private void enqueue(InetSocketAddress to, byte[] message) {
        OutboundBatcher[] out = outbound;
        if (out == null) {
            stats.dropped.increment();
            return;
        }
        out[Math.floorMod(to.hashCode(), out.length)].enqueue(to, message);
    }

    /**
     * Closes the socket and stops the I/O thread, waiting a bounded time. Datagrams queued before the call are
     * still written. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            outbound = null;
            for (Channel ch : channels) {
                // The close task queues behind any drain already scheduled, so queued datagrams go out first.
                if (!ch.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS)) {
                    LOG.log(System.Logger.Level.WARNING, name + ": socket did not close within "
                            + CLOSE_TIMEOUT_MILLIS + " ms");
                }
            }
            if (group != null && !group.shutdownGracefully(0, 2, TimeUnit.SECONDS)
                    .awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS)) {
                LOG.log(System.Logger.Level.WARNING, name + ": I/O thread did not stop within "
                        + CLOSE_TIMEOUT_MILLIS + " ms");
            }
            LOG.log(System.Logger.Level.DEBUG, () -> name + " closed: " + stats);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private void logBuffers(Channel ch, int count) {
        int effective = ch.config().getOption(ChannelOption.SO_RCVBUF);
        // Linux caps SO_RCVBUF at net.core.rmem_max without failing; a burst of waking sensors is then lost.
        if (effective < options.receiveBufferBytes()) {
            LOG.log(System.Logger.Level.WARNING, name + ": receive buffer is " + effective + " bytes, "
                    + options.receiveBufferBytes() + " requested; raise net.core.rmem_max to get it");
        }
        LOG.log(System.Logger.Level.INFO, name + " listening (" + (count > 1 ? count + " sockets with SO_REUSEPORT, "
                : "") + "SO_RCVBUF " + effective + " bytes)");
    }

    private static String formatName(String bindAddress, int port) {
        return "udp:" + (bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress) + ":" + port;
    }
}
