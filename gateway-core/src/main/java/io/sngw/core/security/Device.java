package io.sngw.core.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A sensor the gateway knows. Credentials are a PSK (DTLS PSK suites, serial AES-CCM) and/or the SHA-256
 * fingerprint of its certificate. ACL patterns may use {@code %c} for the client id and MQTT wildcards.
 *
 * @param psk                null when none; never logged
 * @param certFingerprint    lowercase hex SHA-256 of the DER certificate, null when none
 * @param publishPatterns    topics it may publish to; empty = nothing
 * @param subscribePatterns  filters it may subscribe to; empty = nothing
 * @param lastSeen           null when never seen
 */
public record Device(String clientId, byte[] psk, String certFingerprint, List<String> publishPatterns,
                     List<String> subscribePatterns, boolean enabled, Instant created, Instant lastSeen) {

    /**
     * The fingerprint of a certificate as the registry keeps it ({@code certFingerprint}): lowercase hex SHA-256 of its
     * DER encoding. One definition for whoever records one (the CLI) and whoever computes one from a handshake.
     */
    public static String fingerprintOf(byte[] derCertificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(derCertificate));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Device[" + clientId + (enabled ? "" : ", disabled") + (psk != null ? ", psk" : "")
                + (certFingerprint != null ? ", cert " + certFingerprint : "") + "]";
    }
}
