package io.sngw.core.link;

/**
 * Where a datagram came from, opaque to the core: a UDP socket address, a DTLS peer, a radio node behind a
 * forwarder. Implementations are immutable values with equals and hashCode; toString is used in logs.
 */
public interface LinkAddress {

    /**
     * The identity a secure link proved for this peer (a DTLS PSK identity, or the subject of a client certificate
     * verified against the configured CA), or null on plain links and wherever nothing was proved. The core can
     * require it to equal the client id of a CONNECT from this address.
     *
     * <p>An identity is proved for the link peer itself: a sensor behind a forwarder on a secure link is not
     * authenticated by the forwarder's identity, so {@link ForwardedAddress} answers null.
     */
    default String authenticatedIdentity() {
        return null;
    }

    /**
     * Whether the proved identity is the only client id this peer may CONNECT as, whatever the authentication
     * setting: a protected radio device's key is bound to one client id. DTLS peers answer false (their identity is
     * enforced only with authentication on).
     */
    default boolean bindsIdentity() {
        return false;
    }
}
