package io.sngw.sim.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * One sensor on a {@link SerialClientLine}: what the line's reader routes to it queues here for the client's
 * receiver thread; what the client sends the line frames for it.
 */
final class SerialNodeTransport implements ClientTransport {
    private static final byte[] CLOSED = new byte[0];

    private final SerialClientLine line;
    private final String name;
    private final Consumer<byte[]> sender;
    private final Runnable onClose;
    private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    SerialNodeTransport(SerialClientLine line, String name, Consumer<byte[]> sender, Runnable onClose) {
        this.line = line;
        this.name = name;
        this.sender = sender;
        this.onClose = onClose;
    }

    void deliver(byte[] message) {
        if (!closed) {
            inbox.add(message);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** No socket: null. */
    @Override
    public InetSocketAddress localAddress() {
        return null;
    }

    /** No socket: null. */
    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    /** Lost without an error while the port is away, as a radio frame would be. */
    @Override
    public void send(byte[] message) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        sender.accept(message);
    }

    @Override
    public byte[] receive() throws IOException {
        byte[] next;
        try {
            next = inbox.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedChannelException();
        }
        if (next == CLOSED) {
            inbox.add(CLOSED); // for any other waiter
            throw new ClosedChannelException();
        }
        return next;
    }

    @Override
    public String kind() {
        return "serial";
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
            inbox.add(CLOSED);
        }
    }

    @Override
    public String toString() {
        return name + " on " + line;
    }
}
