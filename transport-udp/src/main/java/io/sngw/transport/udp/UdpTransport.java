package io.sngw.transport.udp;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One UDP listener implementing the core's link port on a Netty NIO datagram channel with a single I/O thread.
 *
 * <p>Inbound datagrams are copied and handed to the receiver on the I/O thread. Outbound datagrams are queued by
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
    private volatile DatagramEndpoint endpoint;
    private volatile OutboundBatcher outbound;
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
            DatagramEndpoint bound;
            try {
                bound = DatagramEndpoint.bind("sngw-udp-" + options.port(), options.bindAddress(), bindTo,
                        options.receiveBufferBytes(), options.sendBufferBytes(),
                        new InboundHandler(this, receiver, stats));
            } catch (UdpBindException e) {
                state = State.CLOSED;
                throw e;
            }
            endpoint = bound;
            outbound = new OutboundBatcher(bound.channel(), stats, MAX_PENDING_OUT);
            name = formatName(options.bindAddress(), bound.localAddress().getPort());
            state = State.RUNNING;
            bound.logListening(name, options.receiveBufferBytes());
        }
    }

    /** The bound socket address (with the real port when the options asked for port 0). */
    public InetSocketAddress localAddress() {
        DatagramEndpoint e = endpoint;
        if (e == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return e.localAddress();
    }

    /** "udp:BIND:PORT", e.g. "udp:0.0.0.0:1884" or "udp:[::]:1884"; the real port once started. */
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

    /** See {@link UdpAddress#toPersistentForm()}; null for addresses of other links. */
    @Override
    public byte[] persistentForm(LinkAddress address) {
        return address instanceof UdpAddress udp ? udp.toPersistentForm() : null;
    }

    @Override
    public LinkAddress fromPersistentForm(byte[] form) {
        return UdpAddress.fromPersistentForm(form);
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
        OutboundBatcher out = outbound;
        if (out == null) {
            stats.dropped.increment();
            return;
        }
        out.enqueue(to, message);
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
            DatagramEndpoint e = endpoint;
            if (e != null) {
                // The close task queues behind any drain already scheduled, so queued datagrams go out first.
                e.close(name);
            }
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
