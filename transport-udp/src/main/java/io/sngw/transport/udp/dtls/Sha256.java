package io.sngw.transport.udp.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, for certificate fingerprints and for what a session remembers of its PSK: enough to tell that the key
 * changed, useless to anyone reading the heap.
 */
final class Sha256 {
    private Sha256() {
    }

    static byte[] of(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
