package io.sngw.core.linksec;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** HKDF-SHA256 (RFC 5869) and truncated HMAC-SHA256, the two derivations of the format. */
final class Hkdf {
    private Hkdf() {
    }

    static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    /** The first 16 bytes of HMAC-SHA256(key, label || data). */
    static byte[] hmac16(byte[] key, byte[] label, byte[] data) {
        HMac mac = new HMac(new SHA256Digest());
        mac.init(new KeyParameter(key));
        mac.update(label, 0, label.length);
        mac.update(data, 0, data.length);
        byte[] full = new byte[mac.getMacSize()];
        mac.doFinal(full, 0);
        return java.util.Arrays.copyOf(full, 16);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static byte[] devidBytes(long devid) {
        byte[] b = new byte[8];
        RadioFrame.putLong(b, 0, devid);
        return b;
    }
}
