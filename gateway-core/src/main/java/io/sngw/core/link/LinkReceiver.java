package io.sngw.core.link;

/** The inbound half of the link port, implemented by the core: transports hand every received datagram here. */
public interface LinkReceiver {

    /**
     * One datagram (or frame) arrived. Called from a transport thread; the receiver neither blocks nor throws,
     * and owns {@code datagram} from here on.
     */
    void onReceive(Link link, LinkAddress from, byte[] datagram);
}
