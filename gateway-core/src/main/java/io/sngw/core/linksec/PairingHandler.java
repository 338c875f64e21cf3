package io.sngw.core.linksec;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;

/** Where a secured link hands pairing frames (HELLO, CONFIRM); replies go out on {@code link} to {@code from}. */
public interface PairingHandler {

    /** Called on the transport's thread with a frame whose length field was checked; must not block. */
    void onPairingFrame(Link link, LinkAddress from, byte[] frame);

    /** No pairing on this gateway: every pairing frame is ignored and counted as outside a window. */
    static PairingHandler closed(LinkSecurityStats stats) {
        return (link, from, frame) -> stats.count(LinkSecurityStats.Event.PAIRING_WINDOW_CLOSED);
    }
}
