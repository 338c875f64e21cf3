package io.sngw.transport.udp;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.Socket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One datagram sent on the caller's thread, straight into the epoll channel's socket ({@code sendto} on its
 * non-blocking descriptor), instead of through the channel's event loop. Why: a session loop that answers a sensor
 * (a PUBACK in lockstep) otherwise wakes the I/O thread for every datagram, a context switch each way on the
 * answer's path. The kernel takes whole datagrams from any thread; the socket never blocks (EAGAIN is answered with
 * false, and the caller queues the datagram as before).
 *
 * <p>The descriptor belongs to the channel: {@link #close()} is called before the channel closes it, and waits until
 * no thread is inside a send, after which none enters (so no send can reach a descriptor number reused meanwhile).
 */
final class DirectSend {
    /** Each sending thread's copy of the datagram: the native send takes direct memory. */
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DatagramEndpoint.MAX_DATAGRAM_BYTES));

    private final Channel channel;
    private final Socket socket;
    /** Threads inside {@link #trySend}; {@link Integer#MIN_VALUE} once closed. */
    private final AtomicInteger senders = new AtomicInteger();

    private DirectSend(Channel channel, Socket socket) {
        this.channel = channel;
        this.socket = socket;
    }

    /** For a native epoll channel that is open; null for any other (NIO): its datagrams go through its loop. */
    static DirectSend of(Channel channel) {
        if (channel instanceof EpollDatagramChannel epoll && epoll.isOpen()) {
            return new DirectSend(channel, new Socket(epoll.fd().intValue()));
        }
        return null;
    }

    /** @return whether the whole datagram was sent; false: not sent (closed, socket buffer full, an error) */
    boolean trySend(InetSocketAddress to, byte[] bytes) {
        if (!enter()) {
            return false;
        }
        try {
            if (!channel.isOpen() || to.isUnresolved() || bytes.length > DatagramEndpoint.MAX_DATAGRAM_BYTES) {
                return false;
            }
            ByteBuffer buffer = BUFFER.get();
            buffer.clear();
            buffer.put(bytes);
            return socket.sendTo(buffer, 0, bytes.length, to.getAddress(), to.getPort()) == bytes.length;
        } catch (IOException | RuntimeException e) {
            return false; // the event loop's path tries it and counts what it cannot send
        } finally {
            senders.decrementAndGet();
        }
    }

    private boolean enter() {
        int n;
        do {
            n = senders.get();
            if (n < 0) {
                return false;
            }
        } while (!senders.compareAndSet(n, n + 1));
        return true;
    }

    /** After this returns no thread is in a send and none will start one: the channel may close its descriptor. */
    void close() {
        while (!senders.compareAndSet(0, Integer.MIN_VALUE)) {
            if (senders.get() < 0) {
                return;
            }
            Thread.onSpinWait();
        }
    }
}
