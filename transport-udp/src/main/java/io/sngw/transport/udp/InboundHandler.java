package io.sngw.transport.udp;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkReceiver;

import java.net.InetSocketAddress;

/**
 * Asks the core whether it takes each datagram ({@link LinkReceiver#admit}), copies those it takes out of Netty's
 * buffer (released on return by the superclass) and hands them to the core on the I/O thread. Nothing a receiver does may stop the listener (see {@link ReceiverGuard}). One per socket: a sender
 * refused many times in a row is a flooder, handed to {@link QuarantineSteering}; the counters are the transport's
 * LongAdders.
 */
final class InboundHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final System.Logger LOG = System.getLogger(UdpTransport.class.getName());
    /**
     * Datagrams of one sender refused in a row (none of another sender refused between) that make it a flooder to
     * put in quarantine, and to keep there while it goes on.
     */
    static final int QUARANTINE_AFTER_SHEDS = 1024;

    private final Link link;
    private final LinkReceiver receiver;
    private final UdpStats stats;
    /** Set once the socket group is bound, where steering works; null otherwise. */
    private volatile QuarantineSteering steering;
    // Touched by this socket's I/O thread only.
    private InetSocketAddress lastShed;
    private int shedRun;

    InboundHandler(Link link, LinkReceiver receiver, UdpStats stats) {
        super(DatagramPacket.class, true);
        this.link = link;
        this.receiver = receiver;
        this.stats = stats;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        stats.datagramsIn.increment();
        stats.bytesIn.add(packet.content().readableBytes());
        UdpAddress from = new UdpAddress(packet.sender());
        // Asked first, so that a flood's excess is dropped here with its buffer: no copy, no decoding. The faster
        // this thread gets back to the socket, the fewer of the other sensors' datagrams the kernel drops with it.
        if (!ReceiverGuard.admit(link, receiver, from, stats.receiverErrors)) {
            stats.shed.increment();
            QuarantineSteering s = steering;
            if (s != null) {
                noteShed(packet.sender(), s);
            }
            return;
        }
        // A copy, because the core keeps the bytes past this call and the pooled buffer goes back at once.
        byte[] bytes = ByteBufUtil.getBytes(packet.content());
        ReceiverGuard.deliverAdmitted(link, receiver, from, bytes, stats.receiverErrors);
    }

    void steerWith(QuarantineSteering newSteering) {
        steering = newSteering;
    }

    /** A long enough run of refusals makes the sender a flooder: to (or, while it goes on, kept in) quarantine. */
    private void noteShed(InetSocketAddress sender, QuarantineSteering s) {
        if (!sender.equals(lastShed)) {
            lastShed = sender;
            shedRun = 1;
        } else if (++shedRun % QUARANTINE_AFTER_SHEDS == 0) {
            s.quarantine(sender, System.nanoTime());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Mostly a datagram the socket refused to send (no route, message too long); the channel stays open.
        stats.dropped.increment();
        long count = stats.dropped.sum();
        if (count == 1 || count % 1000 == 0) {
            LOG.log(System.Logger.Level.WARNING, link.name() + ": socket error (" + count + " drops so far): " + cause);
        }
    }
}
