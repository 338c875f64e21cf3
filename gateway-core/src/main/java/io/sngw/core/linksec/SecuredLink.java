package io.sngw.core.linksec;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;
import io.sngw.core.linksec.LinkSecurityStats.Event;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The protection layer between a transport and the core. To the transport it is the receiver; to the core it is the
 * link. Protected DATA frames are opened (device known, counter fresh, MIC right) and reach the core as plain
 * MQTT-SN from a {@link ProtectedAddress}; what the core sends to such an address goes out sealed. Plain MQTT-SN
 * passes through unchanged unless the link's policy is {@code required}; pairing frames go to the pairing handler.
 * Every dropped frame is counted by reason and answered with nothing.
 */
public final class SecuredLink implements Link, LinkReceiver {
    private static final System.Logger LOG = System.getLogger(SecuredLink.class.getName());
    private static final byte PLAIN_FORM = 0;
    private static final byte PROTECTED_FORM = 1;

    private final LinkSecurity policy;
    private final boolean reorder;
    private final ProtectedDevices devices;
    private final PairingHandler pairing;
    private final LinkReceiver core;
    private final LinkSecurityStats stats;
    private volatile Link inner;

    /**
     * @param reorder whether the link can reorder frames (UDP): then the 32-frame replay window applies
     * @param core    where opened packets go (the gateway)
     */
    public SecuredLink(LinkSecurity policy, boolean reorder, ProtectedDevices devices, PairingHandler pairing,
                       LinkReceiver core) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.reorder = reorder;
        this.devices = devices;
        this.pairing = pairing;
        this.core = core;
        this.stats = devices.stats();
    }

    /** The transport under this layer; set once, before it delivers anything. */
    public SecuredLink bind(Link transport) {
        if (inner != null) {
            throw new IllegalStateException("already bound to " + inner.name());
        }
        inner = Objects.requireNonNull(transport, "transport");
        return this;
    }

    public LinkSecurity policy() {
        return policy;
    }

    public Link transport() {
        return inner;
    }

    /** Asked by a transport before it copies a datagram: the core's fair share by source, before any crypto. */
    @Override
    public boolean admit(Link link, LinkAddress from) {
        return core.admit(this, from);
    }

    @Override
    public void onAdmitted(Link link, LinkAddress from, byte[] datagram) {
        receive(link, from, datagram, true);
    }

    @Override
    public void onReceive(Link link, LinkAddress from, byte[] datagram) {
        receive(link, from, datagram, false);
    }

    /** Hands a packet on; one the core admitted already is not asked (and counted) again. */
    private void deliver(boolean admitted, LinkAddress from, byte[] packet) {
        if (admitted) {
            core.onAdmitted(this, from, packet);
        } else {
            core.onReceive(this, from, packet);
        }
    }

    private void receive(Link link, LinkAddress from, byte[] datagram, boolean admitted) {
        if (policy == LinkSecurity.NONE) {
            deliver(admitted, from, datagram); // radio frames are malformed MQTT-SN to the core
            return;
        }
        if (!RadioFrame.isRadioFrame(datagram)) {
            if (policy == LinkSecurity.REQUIRED) {
                drop(Event.DROPPED_PLAIN_REFUSED, from);
                return;
            }
            stats.count(Event.PLAIN_ACCEPTED);
            deliver(admitted, from, datagram);
            return;
        }
        if (!RadioFrame.lengthMatches(datagram)) {
            drop(Event.DROPPED_LENGTH, from);
            return;
        }
        switch (RadioFrame.kind(datagram)) {
            case RadioFrame.KIND_DATA -> {
                ProtectedDevices.Opened opened = devices.open(datagram, reorder);
                if (opened instanceof ProtectedDevices.Opened.Packet p) {
                    stats.count(Event.FRAMES_OPENED);
                    deliver(admitted, new ProtectedAddress(from, p.devid(), p.clientId()), p.packet());
                } else {
                    drop(((ProtectedDevices.Opened.Dropped) opened).reason(), from);
                }
            }
            case RadioFrame.KIND_PAIR_HELLO, RadioFrame.KIND_PAIR_CONFIRM -> pairing.onPairingFrame(link, from, datagram);
            default -> drop(Event.DROPPED_LENGTH, from);
        }
    }

    private void drop(Event reason, LinkAddress from) {
        stats.count(reason);
        LOG.log(Level.DEBUG, "dropped a frame from {0} on {1}: {2}", from, name(), reason.key());
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void send(LinkAddress to, byte[] message) {
        if (to instanceof ProtectedAddress p) {
            byte[] frame = devices.seal(p.devid(), message);
            if (frame != null) {
                inner.send(p.link(), frame);
            }
        } else {
            inner.send(to, message);
        }
    }

    /** Plain broadcasts (ADVERTISE, GWINFO) only where plain MQTT-SN is spoken. */
    @Override
    public void broadcast(byte[] message) {
        if (policy != LinkSecurity.REQUIRED) {
            inner.broadcast(message);
        }
    }

    /** {@code 0x00 inner-form} for plain addresses, {@code 0x01 devid(8) inner-form} for protected ones. */
    @Override
    public byte[] persistentForm(LinkAddress address) {
        if (address instanceof ProtectedAddress p) {
            byte[] form = inner.persistentForm(p.link());
            return form == null ? null
                    : ByteBuffer.allocate(9 + form.length).put(PROTECTED_FORM).putLong(p.devid()).put(form).array();
        }
        byte[] form = inner.persistentForm(address);
        return form == null ? null : ByteBuffer.allocate(1 + form.length).put(PLAIN_FORM).put(form).array();
    }

    @Override
    public LinkAddress fromPersistentForm(byte[] form) {
        if (form == null || form.length < 2) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(form);
        byte kind = in.get();
        if (kind == PLAIN_FORM) {
            return inner.fromPersistentForm(rest(in));
        }
        if (kind != PROTECTED_FORM || in.remaining() < 9) {
            return null;
        }
        long devid = in.getLong();
        LinkAddress address = inner.fromPersistentForm(rest(in));
        String clientId = devices.clientIdOf(devid).orElse(null);
        return address == null || clientId == null ? null : new ProtectedAddress(address, devid, clientId);
    }

    private static byte[] rest(ByteBuffer in) {
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        return rest;
    }
}
