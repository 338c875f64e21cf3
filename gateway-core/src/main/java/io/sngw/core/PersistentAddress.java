package io.sngw.core;

import io.sngw.core.link.ForwardedAddress;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;

import java.nio.ByteBuffer;

/**
 * A client's address in the form the store keeps: the link's own form, wrapped with the wireless node id and
 * radius when the client sits behind a forwarder (forwarding is the core's business, not the link's).
 * Layout: {@code 0x00 link-form} or {@code 0x01 radius node-id-length node-id inner-form}.
 */
final class PersistentAddress {
    private static final byte DIRECT = 0;
    private static final byte FORWARDED = 1;

    private PersistentAddress() {
    }

    /** Null where the link cannot keep its addresses across a restart. */
    static byte[] of(Link link, LinkAddress address) {
        if (address instanceof ForwardedAddress forwarded) {
            byte[] inner = of(link, forwarded.forwarder());
            byte[] node = forwarded.wirelessNodeId();
            if (inner == null || node.length > 255) {
                return null;
            }
            return ByteBuffer.allocate(3 + node.length + inner.length).put(FORWARDED).put((byte) forwarded.radius())
                    .put((byte) node.length).put(node).put(inner).array();
        }
        byte[] form = link.persistentForm(address);
        return form == null ? null : ByteBuffer.allocate(1 + form.length).put(DIRECT).put(form).array();
    }

    /** Null where the form is damaged or not the link's. */
    static LinkAddress restore(Link link, byte[] form) {
        if (form == null || form.length < 2) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(form);
        byte kind = in.get();
        if (kind == DIRECT) {
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            return link.fromPersistentForm(rest);
        }
        if (kind != FORWARDED || in.remaining() < 3) {
            return null;
        }
        int radius = in.get() & 0xFF;
        int nodeLength = in.get() & 0xFF;
        if (in.remaining() < nodeLength + 2) {
            return null;
        }
        byte[] node = new byte[nodeLength];
        in.get(node);
        byte[] inner = new byte[in.remaining()];
        in.get(inner);
        LinkAddress forwarder = restore(link, inner);
        return forwarder == null ? null : new ForwardedAddress(forwarder, node, radius);
    }
}
