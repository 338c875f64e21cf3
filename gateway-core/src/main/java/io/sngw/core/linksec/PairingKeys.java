package io.sngw.core.linksec;

import org.bouncycastle.math.ec.rfc7748.X25519;

import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The key agreement of a pairing, the same on both sides: X25519 of one's private key and the peer's public key,
 * HKDF-SHA256 salted with the install code (16 zero bytes without one) over the transcript devid || sensorPub ||
 * gwPub, giving a 32-byte confirmation key and the device's 16-byte root key K; and the two 16-byte confirmations
 * that prove each side derived the same keys (so both knew the install code).
 */
public final class PairingKeys {
    private static final byte[] INFO = Hkdf.ascii("sngw pair v1");
    private static final byte[] GW = Hkdf.ascii("gw");
    private static final byte[] SENSOR = Hkdf.ascii("sensor");

    private final byte[] transcript;
    private final byte[] confirmKey;
    private final byte[] rootKey;

    private PairingKeys(byte[] transcript, byte[] okm) {
        this.transcript = transcript;
        this.confirmKey = java.util.Arrays.copyOfRange(okm, 0, 32);
        this.rootKey = java.util.Arrays.copyOfRange(okm, 32, 48);
    }

    /** A fresh X25519 private key (32 random bytes; X25519 clamps them). */
    public static byte[] newPrivateKey(SecureRandom random) {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, k);
        return k;
    }

    public static byte[] publicKey(byte[] privateKey) {
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(privateKey, 0, pub, 0);
        return pub;
    }

    /**
     * @param installCode null when pairing without one
     * @return the derived keys, or null when the peer's public key is a low-order point (an all-zero shared secret)
     */
    public static PairingKeys derive(long devid, byte[] ownPrivate, byte[] peerPublic, byte[] sensorPub,
                                     byte[] gwPub, InstallCode installCode) {
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(ownPrivate, 0, peerPublic, 0, shared, 0)) {
            return null;
        }
        byte[] transcript = Hkdf.concat(Hkdf.devidBytes(devid), sensorPub, gwPub);
        byte[] salt = installCode == null ? new byte[16] : installCode.bytes();
        return new PairingKeys(transcript, Hkdf.derive(salt, shared, Hkdf.concat(INFO, transcript), 48));
    }

    public byte[] rootKey() {
        return rootKey.clone();
    }

    public byte[] gatewayConfirm() {
        return Hkdf.hmac16(confirmKey, GW, transcript);
    }

    public byte[] sensorConfirm() {
        return Hkdf.hmac16(confirmKey, SENSOR, transcript);
    }

    /** Constant-time comparison of a received confirmation with the expected one. */
    public static boolean matches(byte[] expected, byte[] frame, int offset) {
        if (frame.length < offset + expected.length) {
            return false;
        }
        return MessageDigest.isEqual(expected, java.util.Arrays.copyOfRange(frame, offset, offset + expected.length));
    }
}
