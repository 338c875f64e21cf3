package io.sngw.core.security;

import io.sngw.core.link.LinkAddress;

/**
 * What a link proved about who is speaking, and what a session therefore asks of whoever claims its client id later.
 * The rule is the link's, not the transport's: any address that answers {@link LinkAddress#authenticatedIdentity()}
 * (a DTLS peer, a protected radio frame's sender) proves that identity; every other address proves nothing, and a
 * forged source address on plain UDP costs an attacker nothing.
 *
 * <ul>
 *     <li>A session whose connection was proved can be taken over (CONNECT from anywhere, or woken from another
 *     address) only by a link that proves the same identity: the original connection's proof, again.</li>
 *     <li>A sleeping session is woken by a PINGREQ naming its client id only from its own address, or from a link
 *     that proved that client id: otherwise anybody who knows the id collects what was kept for it.</li>
 * </ul>
 */
public final class LinkProof {
    private LinkProof() {
    }

    /** Whether {@code from} proved that its peer is {@code clientId}. */
    public static boolean proves(LinkAddress from, String clientId) {
        return clientId.equals(from.authenticatedIdentity());
    }

    /**
     * Whether a CONNECT from {@code from} may take the session of {@code clientId}: always when the session's own
     * connection proved nothing (plain UDP cannot tell a rebooted sensor from an impersonator), otherwise only with
     * the same proof.
     */
    public static boolean mayTakeOver(boolean sessionProved, String clientId, LinkAddress from) {
        return !sessionProved || proves(from, clientId);
    }

    /** Whether a PINGREQ naming {@code clientId} from {@code from} may wake a session that is at {@code sessionAt}. */
    public static boolean mayWake(LinkAddress sessionAt, String clientId, LinkAddress from) {
        return from.equals(sessionAt) || proves(from, clientId);
    }
}
