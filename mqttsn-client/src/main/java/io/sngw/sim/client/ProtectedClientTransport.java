package io.sngw.sim.client;

import io.sngw.core.linksec.Direction;
import io.sngw.core.linksec.FrameProtection;
import io.sngw.core.linksec.LinkKeys;
import io.sngw.core.linksec.RadioFrame;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A sensor's side of the radio link security (docs/radio-security.md) over any client transport: every MQTT-SN
 * message goes out as an uplink DATA frame under K_up with a rising counter, and only downlink DATA frames for this
 * devid with a fresh counter and a matching MIC come back in; anything else is dropped and counted.
 */
public final class ProtectedClientTransport implements ClientTransport {
    private final ClientTransport inner;
    private final long devid;
    private final FrameProtection up;
    private final FrameProtection down;
    private final AtomicLong nextUplink;
    private volatile long lastDownlink; // written by the receiver thread only
    private final LongAdder dropped = new LongAdder();

    /**
     * @param nextUplink   the counter of the first frame this sends (1 for a fresh key; past any used before)
     * @param lastDownlink the last downlink counter accepted (1 after pairing: PAIR_ACCEPT used it; 0 for a
     *                     provisioned key)
     */
    public ProtectedClientTransport(ClientTransport inner, long devid, byte[] rootKey, long nextUplink,
                                    long lastDownlink) {
        this.inner = inner;
        this.devid = devid;
        LinkKeys keys = LinkKeys.derive(rootKey, devid);
        this.up = FrameProtection.of(devid, Direction.UPLINK, keys);
        this.down = FrameProtection.of(devid, Direction.DOWNLINK, keys);
        this.nextUplink = new AtomicLong(nextUplink);
        this.lastDownlink = lastDownlink;
    }

    /** A freshly paired sensor's transport. */
    public static ProtectedClientTransport paired(ClientTransport inner, RadioPairingClient.Paired paired) {
        return new ProtectedClientTransport(inner, paired.devid(), paired.rootKey(), 1, 1);
    }

    public long devid() {
        return devid;
    }

    /** The counter the next uplink frame carries. */
    public long nextUplinkCounter() {
        return nextUplink.get();
    }

    /** The counter of the last downlink frame accepted. */
    public long lastDownlinkCounter() {
        return lastDownlink;
    }

    /** Frames from the gateway dropped: not ours, replayed, tampered. */
    public long dropped() {
        return dropped.sum();
    }

    /** The frame {@link #send} would write for {@code message}, using up a counter (for tests that replay it). */
    public byte[] seal(byte[] message) {
        return up.seal(nextUplink.getAndIncrement(), message);
    }

    @Override
    public void send(byte[] message) throws IOException {
        inner.send(seal(message));
    }

    /** Writes a frame as it is (a test's replayed, tampered or truncated frame). */
    public void sendRaw(byte[] frame) throws IOException {
        inner.send(frame);
    }

    @Override
    public byte[] receive() throws IOException {
        while (true) {
            byte[] frame = inner.receive();
            if (!RadioFrame.isRadioFrame(frame) || !RadioFrame.lengthMatches(frame)
                    || RadioFrame.kind(frame) != RadioFrame.KIND_DATA || RadioFrame.devid(frame) != devid
                    || frame.length < RadioFrame.OVERHEAD + 2 || RadioFrame.counter(frame) <= lastDownlink) {
                dropped.increment();
                continue;
            }
            byte[] packet = down.open(frame);
            if (packet == null) {
                dropped.increment();
                continue;
            }
            lastDownlink = RadioFrame.counter(frame);
            return packet;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return inner.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return inner.remoteAddress();
    }

    @Override
    public String kind() {
        return "protected " + inner.kind();
    }

    @Override
    public void close() {
        inner.close();
    }
}
