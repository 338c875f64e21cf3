package io.sngw.core.link;

/**
 * Where a datagram came from, opaque to the core: a UDP socket address, a DTLS peer, a radio node behind a
 * forwarder. Implementations are immutable values with equals and hashCode; toString is used in logs.
 */
public interface LinkAddress {
}
