package io.sngw.transport.udp;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;

import java.util.concurrent.atomic.LongAdder;

/**
 * Hands one message to the core so that nothing the receiver does can stop a listener: its exceptions are counted
 * and logged (the first in full, then every thousandth), never rethrown. Shared by the UDP and DTLS listeners.
 */
public final class ReceiverGuard {
    private static final System.Logger LOG = System.getLogger(ReceiverGuard.class.getName());

    private ReceiverGuard() {
    }

    public static void deliver(Link link, LinkReceiver receiver, LinkAddress from, byte[] message, LongAdder errors) {
        try {
            receiver.onReceive(link, from, message);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failed(link, from, errors, e);
        }
    }

    /** {@link LinkReceiver#admit}; a receiver that throws takes the datagram (it is then guarded like any other). */
    static boolean admit(Link link, LinkReceiver receiver, LinkAddress from, LongAdder errors) {
        try {
            return receiver.admit(link, from);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failed(link, from, errors, e);
            return true;
        }
    }

    /** As {@link #deliver}, for a datagram {@link #admit} took. */
    static void deliverAdmitted(Link link, LinkReceiver receiver, LinkAddress from, byte[] message, LongAdder errors) {
        try {
            receiver.onAdmitted(link, from, message);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failed(link, from, errors, e);
        }
    }

    private static void failed(Link link, LinkAddress from, LongAdder errors, Throwable e) {
        errors.increment();
        long count = errors.sum();
        // A broken receiver must not flood the log.
        if (count == 1 || count % 1000 == 0) {
            LOG.log(System.Logger.Level.WARNING, link.name() + ": receiver failed on a message from " + from
                    + " (" + count + " failures so far)", e);
        }
    }
}
