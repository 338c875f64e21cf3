package io.sngw.core.link;

/** The inbound half of the link port, implemented by the core: transports hand every received datagram here. */
public interface LinkReceiver {

    /**
     * One datagram (or frame) arrived. Called from a transport thread; the receiver neither blocks nor throws,
     * and owns {@code datagram} from here on.
     */
    void onReceive(Link link, LinkAddress from, byte[] datagram);

    /**
     * Whether a datagram from {@code from} is taken at all, asked before the transport copies it out of its buffer, so
     * that a flood's excess costs no copy and no decoding. False: the transport drops it, already counted here. A
     * transport that asks hands what is taken to {@link #onAdmitted} (not {@link #onReceive}, which would ask again).
     * Called from a transport thread; never blocks.
     */
    default boolean admit(Link link, LinkAddress from) {
        return true;
    }

    /** A datagram {@link #admit} took: as {@link #onReceive}, without asking again. */
    default void onAdmitted(Link link, LinkAddress from, byte[] datagram) {
        onReceive(link, from, datagram);
    }
}
