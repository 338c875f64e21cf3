package io.sngw.transport.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the UDP and DTLS sockets are read: Netty's native epoll transport, which takes up to {@value #DATAGRAMS_PER_READ}
 * datagrams per system call (recvmmsg) and coalesced ones where the kernel does UDP GRO, or Java NIO, one datagram
 * per call. Epoll is there on Linux x86_64 and aarch64 (the native library ships for those); NIO everywhere else,
 * e.g. 32-bit ARM. Configured as {@code udp.io: auto | epoll | nio}.
 */
public enum DatagramIo {
    /** Epoll where its native library loads, NIO otherwise. */
    AUTO,
    /** Epoll, or the listener fails to start. */
    EPOLL,
    /** Java NIO. */
    NIO;

    private static final System.Logger LOG = System.getLogger(DatagramIo.class.getName());
    /** Datagrams one recvmmsg takes at most: one slot each of {@link DatagramEndpoint#MAX_DATAGRAM_BYTES}. */
    static final int DATAGRAMS_PER_READ = 16;
    /** Reads per wake-up of the I/O thread before other work on it (outbound writes) gets a turn. */
    private static final int READS_PER_WAKEUP = 64;
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** "auto", "epoll" or "nio" (any case); anything else is refused with what was expected. */
    public static DatagramIo parse(String value) {
        if (value != null) {
            for (DatagramIo io : values()) {
                if (io.configName().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return io;
                }
            }
        }
        throw new IllegalArgumentException("UDP I/O must be auto, epoll or nio: '" + value + "'");
    }

    /** Whether {@link #resolve()} succeeds on this machine: false only for EPOLL where it does not load. */
    public boolean availableHere() {
        return this != EPOLL || Epoll.isAvailable();
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * EPOLL or NIO, as this machine can do what was asked; which one is logged once per process.
     *
     * @throws IllegalStateException when EPOLL is asked for and its native library does not load here
     */
    public DatagramIo resolve() {
        DatagramIo chosen = switch (this) {
            case NIO -> NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("udp.io is epoll, but native epoll is not available here ("
                            + Epoll.unavailabilityCause() + "); use auto or nio", Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
        };
        if (LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, chosen == EPOLL
                    ? "UDP I/O: native epoll (up to " + DATAGRAMS_PER_READ + " datagrams per recvmmsg, UDP GRO where the kernel has it)"
                    : "UDP I/O: Java NIO, one datagram per read" + (this == AUTO
                    ? " (native epoll not available here: " + Epoll.unavailabilityCause() + ")" : " (udp.io: nio)"));
        }
        return chosen;
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** Sets the channel type and the options that differ between the two; for a resolved (EPOLL or NIO) value. */
    void configure(Bootstrap bootstrap, SocketProtocolFamily family, boolean reusePort) {
        if (this == EPOLL) {
            bootstrap.channelFactory((ChannelFactory<DatagramChannel>) () -> new EpollDatagramChannel(family))
                    // A slot per datagram, each as large as a datagram can be, so that none is cut short.
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, DatagramEndpoint.MAX_DATAGRAM_BYTES)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new KeptReadBuffer(
                            DATAGRAMS_PER_READ * DatagramEndpoint.MAX_DATAGRAM_BYTES).maxMessagesPerRead(READS_PER_WAKEUP))
                    // Pooled, and kept (KeptReadBuffer): a read buffer of a megabyte must not be a fresh (zeroed)
                    // allocation per system call.
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .option(EpollChannelOption.UDP_GRO, true);
            if (reusePort) {
                bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
            }
        } else {
            bootstrap.channelFactory((ChannelFactory<DatagramChannel>) () -> new NioDatagramChannel(family))
                    .option(ChannelOption.RECVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(DatagramEndpoint.MAX_DATAGRAM_BYTES));
            if (reusePort) {
                bootstrap.option(ReusePort.OPTION, true);
            }
        }
    }
}
