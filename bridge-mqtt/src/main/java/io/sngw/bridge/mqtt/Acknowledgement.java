package io.sngw.bridge.mqtt;

import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.EventLoop;

/**
 * The broker's PUBACK / PUBREC for one PUBLISH, released when the core has taken the message: run from any thread,
 * it hops to the loop, and is written only on the connection the PUBLISH came on.
 */
final class Acknowledgement implements Runnable {
    static final Runnable NOTHING_TO_ACKNOWLEDGE = () -> { };

    private final BrokerConnection connection;
    private final EventLoop loop;
    final int packetId;
    final boolean qos2;
    /** Loop only. */
    boolean taken;

    Acknowledgement(BrokerConnection connection, EventLoop loop, int packetId, boolean qos2) {
        this.connection = connection;
        this.loop = loop;
        this.packetId = packetId;
        this.qos2 = qos2;
    }

    @Override
    public void run() {
        if (loop.inEventLoop()) {
            taken = true;
            connection.releaseAcknowledgements();
            return;
        }
        try {
            loop.execute(this);
        } catch (RejectedExecutionException closed) {
            // the bridge is closed: the broker sends the message again to whoever connects as us next
        }
    }
}
