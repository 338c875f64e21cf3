package io.sngw.transport.udp;

import io.netty.channel.socket.SocketProtocolFamily;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One UDP listener implementing the core's link port on Netty datagram channels (native epoll or NIO, see
 * {@link DatagramIo}): {@link UdpOptions#channels()}
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

    /** Outbound datagrams allowed to wait for the I/O thread; past it they are dropped, as radio would. */
    static final int MAX_PENDING_OUT = 65536;

    private enum State { NEW, RUNNING, CLOSED }

    private final UdpOptions options;
    private final LinkReceiver receiver;
    private final UdpStats stats = new UdpStats();
    private final Object lifecycle = new Object();

    private State state = State.NEW; // guarded by lifecycle
    private volatile List<DatagramEndpoint> endpoints = List.of();
    private volatile QuarantineSteering steering;
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
            SocketProtocolFamily family = DatagramEndpoint.familyOf(bindTo);
            DatagramIo io;
            try {
                io = options.io().resolve();
            } catch (IllegalStateException e) {
                state = State.CLOSED;
                throw new UdpBindException(options.bindAddress(), options.port(), e);
            }
            int count = options.channels() > 1 && ReusePort.supported(family) ? options.channels() : 1;
            // One more socket, for flooders alone, where a steering program can be attached (see QuarantineSteering).
            boolean steer = count > 1 && io == DatagramIo.EPOLL && bindTo.getAddress() instanceof Inet4Address;
            int sockets = steer ? count + 1 : count;
            List<InboundHandler> handlers = new ArrayList<>(sockets);
            List<DatagramEndpoint> bound = new ArrayList<>(sockets);
            try {
                if (count > 1) {
                    ReusePort.checkFree(family, bindTo); // SO_REUSEPORT would share the port with another gateway
                }
                for (int i = 0; i < sockets; i++) {
                    // The first bind settles the port (an ephemeral one for port 0); the others join it.
                    InetSocketAddress address = i == 0 ? bindTo
                            : new InetSocketAddress(bindTo.getAddress(), bound.get(0).localAddress().getPort());
                    InboundHandler handler = new InboundHandler(this, receiver, stats);
                    handlers.add(handler);
                    bound.add(DatagramEndpoint.bind((i < count ? "sngw-udp-" : "sngw-udp-quarantine-") + options.port(),
                            options.bindAddress(), address, options.receiveBufferBytes(), options.sendBufferBytes(),
                            handler, count > 1, io));
                }
            } catch (UdpBindException e) {
                bound.forEach(endpoint -> endpoint.close(name));
                state = State.CLOSED;
                throw e;
            }
            name = formatName(options.bindAddress(), bound.get(0).localAddress().getPort());
            QuarantineSteering steering = null;
            if (steer) {
                steering = QuarantineSteering.attach(name, bound.stream().map(DatagramEndpoint::channel).toList());
                if (steering == null) {
                    bound.remove(count).close(name); // the kernel hashes over the others again
                } else {
                    QuarantineSteering s = steering;
                    this.steering = s;
                    handlers.forEach(h -> h.steerWith(s));
                    bound.get(0).eventLoop().scheduleAtFixedRate(() -> s.expire(System.nanoTime()), 1, 1,
                            TimeUnit.SECONDS);
                }
            }
            endpoints = List.copyOf(bound);
            // Answers go out through the sockets other sensors share, never behind a flood's reads on the quarantine.
            OutboundBatcher[] batchers = new OutboundBatcher[count];
            for (int i = 0; i < count; i++) {
                batchers[i] = new OutboundBatcher(bound.get(i).channel(), stats, MAX_PENDING_OUT / count);
            }
            outbound = batchers;
            state = State.RUNNING;
            bound.get(0).logListening(name + (steering != null ? " (and a socket for flooders)" : ""),
                    options.receiveBufferBytes(), count);
        }
    }

    /** The bound socket address (with the real port when the options asked for port 0). */
    public InetSocketAddress localAddress() {
        List<DatagramEndpoint> bound = endpoints;
        if (bound.isEmpty()) {
            throw new IllegalStateException(name + " is not started");
        }
        return bound.get(0).localAddress();
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

    /**
     * What the kernel dropped on each of this listener's sockets (a full receive buffer: the reader fell behind), from
     * /proc on Linux; empty elsewhere or when not started.
     */
    public List<Long> kernelDrops() {
        List<DatagramEndpoint> bound = endpoints;
        return bound.isEmpty() ? List.of() : KernelDrops.onPort(bound.get(0).localAddress().getPort());
    }

    /** Whether flooders are steered to a socket of their own here (Linux, native epoll, IPv4, several sockets). */
    public boolean steersFlooders() {
        return steering != null;
    }

    /** Whether {@code source} floods and is read on the flooders' socket now. */
    public boolean isQuarantined(InetSocketAddress source) {
        QuarantineSteering s = steering;
        return s != null && s.isQuarantined(source);
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
            OutboundBatcher[] out = outbound;
            outbound = null;
            if (out != null) {
                for (OutboundBatcher batcher : out) {
                    batcher.stopDirectSends(); // before the sockets close: no send reaches a reused descriptor
                }
            }
            // Each close task queues behind any drain already scheduled, so queued datagrams go out first.
            endpoints.forEach(endpoint -> endpoint.close(name));
            LOG.log(System.Logger.Level.DEBUG, () -> name + " closed: " + stats);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static String formatName(String bindAddress, int port) {
        return "udp:" + (bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress) + ":" + port;
    }
}
