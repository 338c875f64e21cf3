package io.sngw.core.link;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A sensor behind a forwarder: the forwarder's own address on the link, and the sensor's wireless node id.
 * Replies to it are wrapped in an Encapsulated message and sent to the forwarder.
 */
public record ForwardedAddress(LinkAddress forwarder, byte[] wirelessNodeId, int radius) implements LinkAddress {
    public ForwardedAddress {
        wirelessNodeId = wirelessNodeId.clone();
    }

    public byte[] wirelessNodeId() {
        return wirelessNodeId.clone();
    }

    // Radius is how the forwarder reached us, not who the sensor is: it takes no part in identity.
    @Override
    public boolean equals(Object o) {
        return o instanceof ForwardedAddress f && f.forwarder.equals(forwarder)
                && Arrays.equals(f.wirelessNodeId, wirelessNodeId);
    }

    @Override
    public int hashCode() {
        return forwarder.hashCode() * 31 + Arrays.hashCode(wirelessNodeId);
    }

    @Override
    public String toString() {
        return forwarder + "/node:" + HexFormat.of().formatHex(wirelessNodeId);
    }
}
