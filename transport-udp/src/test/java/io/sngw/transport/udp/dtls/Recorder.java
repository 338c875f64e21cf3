package io.sngw.transport.udp.dtls;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Keeps what the listener hands over and, when asked, echoes it back to the sender: the core's stand-in. */
final class Recorder implements LinkReceiver {
    record Received(Link link, LinkAddress from, byte[] message, String thread) {
    }

    private final boolean echo;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    Recorder(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void onReceive(Link link, LinkAddress from, byte[] message) {
        received.add(new Received(link, from, message, Thread.currentThread().getName()));
        if (echo) {
            link.send(from, message);
        }
    }

    Received next(Duration wait) throws InterruptedException {
        Received r = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no message reached the receiver within " + wait);
        }
        return r;
    }
}
