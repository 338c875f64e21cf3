package io.sngw.transport.udp;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Keeps what the transport hands over, for the test thread to take. */
class RecordingReceiver implements LinkReceiver {
    record Received(Link link, LinkAddress from, byte[] datagram, String thread) {
    }

    /** Generous: only a broken transport ever waits this long. */
    static final Duration WAIT = Duration.ofSeconds(10);

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    @Override
    public void onReceive(Link link, LinkAddress from, byte[] datagram) {
        received.add(new Received(link, from, datagram, Thread.currentThread().getName()));
    }

    Received next() throws InterruptedException {
        Received r = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new AssertionError("no datagram reached the receiver within " + WAIT);
        }
        return r;
    }
}
