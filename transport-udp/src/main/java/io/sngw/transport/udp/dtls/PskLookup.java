package io.sngw.transport.udp.dtls;

import io.sngw.core.security.Device;
import io.sngw.core.security.DeviceRegistry;

/**
 * Where the DTLS listener finds the pre-shared key of a PSK identity (a device's client id). The wiring adapts the
 * device registry to it.
 */
@FunctionalInterface
public interface PskLookup {

    /**
     * The key for {@code identity}, or null when the identity is unknown, disabled or has no key: the handshake then
     * fails. Called on handshake threads, so it must answer from memory. Bouncy Castle keeps the returned array for
     * the handshake: return a copy, never a registry's own. Implementations never log the key.
     *
     * @param identity the PSK identity the client sent, already checked to be printable UTF-8 of 1..128 bytes
     */
    byte[] pskFor(String identity);

    /** The PSK of an enabled device with one, as a copy (the registry's own array never leaves it); else null. */
    static PskLookup of(DeviceRegistry devices) {
        return identity -> devices.find(identity)
                .filter(Device::enabled)
                .map(Device::psk)
                .filter(psk -> psk != null && psk.length > 0)
                .map(byte[]::clone)
                .orElse(null);
    }

    /** Knows no identity: every PSK handshake fails (certificate suites still work). */
    static PskLookup none() {
        return identity -> null;
    }
}
