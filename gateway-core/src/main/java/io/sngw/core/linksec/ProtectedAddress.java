package io.sngw.core.linksec;

import io.sngw.core.link.LinkAddress;

import java.util.Objects;

/**
 * A device speaking through protected frames: the link address its frames come from and its devid. Equality is the
 * pair, so the session of a device stays at one address however its frames are counted, and two devices behind one
 * forwarder or serial line are two addresses. The identity it proves is the client id its key is bound to: a frame
 * whose MIC matched under that device's key can only come from a holder of the key.
 */
public record ProtectedAddress(LinkAddress link, long devid, String clientId) implements LinkAddress {

    public ProtectedAddress {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(clientId, "clientId");
    }

    @Override
    public String authenticatedIdentity() {
        return clientId;
    }

    @Override
    public boolean bindsIdentity() {
        return true;
    }

    // The client id follows from the devid (the keyring binds them): it takes no part in equality.
    @Override
    public boolean equals(Object o) {
        return o instanceof ProtectedAddress p && p.devid == devid && p.link.equals(link);
    }

    @Override
    public int hashCode() {
        return link.hashCode() * 31 + Long.hashCode(devid);
    }

    @Override
    public String toString() {
        return link + "/radio:" + RadioFrame.hex(devid);
    }
}
