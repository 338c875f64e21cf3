package io.sngw.transport.udp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Takes datagrams from any thread and writes them on the channel's event loop, with one flush per batch.
 *
 * <p>Why not {@code writeAndFlush} per datagram: every call from a foreign thread is its own event-loop task and its
 * own syscall-triggering flush. Here senders only append to a queue; the first sender of a batch schedules a single
 * drain task, which writes everything queued by the time it runs and flushes once. A sender that finds a drain
 * already scheduled needs no task of its own, because the drain clears the flag before it starts polling and so
 * sees every datagram queued before the flag was observed set.
 *
 * <p>Public only so that the DTLS listener ({@code io.sngw.transport.udp.dtls}) writes its records the same way; not
 * an API for anyone else.
 */
public final class OutboundBatcher {
    /** Datagrams written per drain before giving reads a turn on the event loop. */
    private static final int MAX_PER_DRAIN = 1024;

    private final Channel channel;
    private final LongAdder datagramsOut;
    private final LongAdder bytesOut;
    private final LongAdder dropped;
    private final int maxPending;
    private final Queue<DatagramPacket> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    /** Sends on the caller's thread while nothing waits in the queue; null: everything goes through the loop. */
    private final DirectSend direct;

    /** For the UDP listener: a datagram is sent on the caller's thread when none is waiting ({@link DirectSend}). */
    OutboundBatcher(Channel channel, UdpStats stats, int maxPending) {
        this(channel, stats.datagramsOut, stats.bytesOut, stats.dropped, maxPending, DirectSend.of(channel));
    }

    /**
     * @param datagramsOut counts datagrams written, {@code bytesOut} their bytes
     * @param dropped      counts datagrams lost on our side (over the bound, channel inactive or shutting down)
     */
    public OutboundBatcher(Channel channel, LongAdder datagramsOut, LongAdder bytesOut, LongAdder dropped,
                           int maxPending) {
        this(channel, datagramsOut, bytesOut, dropped, maxPending, null);
    }

    private OutboundBatcher(Channel channel, LongAdder datagramsOut, LongAdder bytesOut, LongAdder dropped,
                            int maxPending, DirectSend direct) {
        this.direct = direct;
        this.channel = channel;
        this.datagramsOut = datagramsOut;
        this.bytesOut = bytesOut;
        this.dropped = dropped;
        this.maxPending = maxPending;
    }

    /**
     * Queues one datagram; never blocks. Over the bound, the datagram is dropped (loss is normal on this link). With
     * direct sending, when nothing is queued or being written the datagram is sent at once on this thread: it cannot
     * overtake one queued before it (a sensor's answers leave in the order its session sent them).
     */
    public void enqueue(InetSocketAddress to, byte[] bytes) {
        if (direct != null && pending.get() == 0 && direct.trySend(to, bytes)) {
            datagramsOut.increment();
            bytesOut.add(bytes.length);
            return;
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            dropped.increment();
            return;
        }
        // Wrapped, not copied: the core hands over a freshly encoded array and never touches it again.
        queue.offer(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to));
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down: nothing will ever write these.
                drainScheduled.set(false);
                discardAll();
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        boolean active = channel.isActive();
        int written = 0;
        int taken = 0;
        DatagramPacket packet;
        while (written < MAX_PER_DRAIN && (packet = queue.poll()) != null) {
            taken++;
            if (!active) {
                packet.release();
                dropped.increment();
                continue;
            }
            int size = packet.content().readableBytes();
            // A failed write of a void promise is reported through exceptionCaught, where it is counted as dropped.
            channel.write(packet, channel.voidPromise());
            datagramsOut.increment();
            bytesOut.add(size);
            written++;
        }
        if (written > 0) {
            channel.flush();
        }
        pending.addAndGet(-taken); // only now: until they are flushed, a direct send would overtake them
        if (!queue.isEmpty()) {
            scheduleDrain();
        }
    }

    /** Direct sending stops, waiting for a send under way: call before the channel closes. */
    void stopDirectSends() {
        if (direct != null) {
            direct.close();
        }
    }

    private void discardAll() {
        DatagramPacket packet;
        while ((packet = queue.poll()) != null) {
            pending.decrementAndGet();
            packet.release();
            dropped.increment();
        }
    }
}
