package io.sngw.core;

import io.sngw.core.config.GatewayOptions;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;
import io.sngw.core.upstream.Upstream;

/** The MQTT-SN gateway core (being written): give it an upstream, attach links, start it. */
public final class Gateway implements LinkReceiver, AutoCloseable {

    public Gateway(GatewayOptions options, Upstream upstream) {
    }

    /** Links that ADVERTISE is broadcast on; a link need not be attached to deliver datagrams. */
    public void attach(Link link) {
    }

    /** Starts the upstream connection, the session loops and the timers. */
    public void start() {
    }

    @Override
    public void onReceive(Link link, LinkAddress from, byte[] datagram) {
    }

    @Override
    public void close() {
    }
}
