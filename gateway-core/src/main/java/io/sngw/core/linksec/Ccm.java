package io.sngw.core.linksec;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.Arrays;

/**
 * AES-128-CCM (RFC 3610) with the parameters of the radio format: 13-byte nonce (L = 2), 8-byte MIC (M = 8), over
 * one AES engine whose key schedule is computed once per key. Bouncy Castle's {@code CCMBlockCipher} re-keys its
 * engine twice per packet (once for the CBC-MAC, once for the counter mode); the key is fixed for a device's
 * lifetime, so this class keeps the expanded key and runs the two CCM passes itself. Its output is checked against
 * the known-answer vectors and against {@code CCMBlockCipher} in the tests.
 *
 * <p>Not thread-safe: the engine's state is per call. Its owner serialises use.
 */
final class Ccm {
    private static final int BLOCK = 16;
    private static final int M = RadioFrame.MIC_LENGTH;
    private static final int NONCE = 13;
    /** Flags of B0: Adata set, (M-2)/2 in bits 3..5, L-1 in bits 0..2. */
    private static final int B0_FLAGS = 0x40 | ((M - 2) / 2) << 3 | 1;
    /** Flags of the counter blocks A_i: L-1. */
    private static final int A_FLAGS = 1;

    private final BlockCipher aes = AESEngine.newInstance();
    private final byte[] x = new byte[BLOCK];
    private final byte[] a = new byte[BLOCK];
    private final byte[] s = new byte[BLOCK];

    Ccm(byte[] key) {
        aes.init(true, new KeyParameter(key));
    }

    /**
     * Encrypts {@code len} bytes of {@code in} at {@code inOff} into {@code out} at {@code outOff} followed by the
     * 8-byte MIC, authenticating {@code aadLen} bytes of {@code aad} at offset 0.
     */
    void seal(byte[] nonce, byte[] aad, int aadLen, byte[] in, int inOff, int len, byte[] out, int outOff) {
        mac(nonce, aad, aadLen, in, inOff, len);
        counterBlock(nonce, 0);
        aes.processBlock(a, 0, s, 0);
        for (int i = 0; i < M; i++) {
            out[outOff + len + i] = (byte) (x[i] ^ s[i]);
        }
        ctr(nonce, in, inOff, len, out, outOff);
    }

    /**
     * Decrypts {@code len} bytes of ciphertext followed by the MIC; true, with the plaintext in {@code out}, only when
     * the MIC matches (compared in constant time). On false {@code out} holds garbage the caller must drop.
     */
    boolean open(byte[] nonce, byte[] aad, int aadLen, byte[] in, int inOff, int len, byte[] out, int outOff) {
        ctr(nonce, in, inOff, len, out, outOff);
        mac(nonce, aad, aadLen, out, outOff, len);
        counterBlock(nonce, 0);
        aes.processBlock(a, 0, s, 0);
        byte[] expected = new byte[M];
        for (int i = 0; i < M; i++) {
            expected[i] = (byte) (x[i] ^ s[i]);
        }
        return Arrays.constantTimeAreEqual(M, expected, 0, in, inOff + len);
    }

    /** CBC-MAC of B0, the encoded associated data and the plaintext, left in {@link #x}. */
    private void mac(byte[] nonce, byte[] aad, int aadLen, byte[] data, int off, int len) {
        java.util.Arrays.fill(x, (byte) 0);
        x[0] = (byte) B0_FLAGS;
        System.arraycopy(nonce, 0, x, 1, NONCE);
        x[14] = (byte) (len >>> 8);
        x[15] = (byte) len;
        aes.processBlock(x, 0, x, 0);
        // Associated data (always short here): a 2-byte length, the bytes, zero padding to the block.
        int pos = 0;
        int inBlock = 2;
        x[0] ^= (byte) (aadLen >>> 8);
        x[1] ^= (byte) aadLen;
        while (pos < aadLen) {
            x[inBlock++] ^= aad[pos++];
            if (inBlock == BLOCK) {
                aes.processBlock(x, 0, x, 0);
                inBlock = 0;
            }
        }
        if (inBlock != 0) {
            aes.processBlock(x, 0, x, 0);
        }
        for (int done = 0; done < len; done += BLOCK) {
            int n = Math.min(BLOCK, len - done);
            for (int i = 0; i < n; i++) {
                x[i] ^= data[off + done + i];
            }
            aes.processBlock(x, 0, x, 0);
        }
    }

    /** Counter mode from A_1: out = in XOR E(A_i). */
    private void ctr(byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
        for (int done = 0, i = 1; done < len; done += BLOCK, i++) {
            counterBlock(nonce, i);
            aes.processBlock(a, 0, s, 0);
            int n = Math.min(BLOCK, len - done);
            for (int j = 0; j < n; j++) {
                out[outOff + done + j] = (byte) (in[inOff + done + j] ^ s[j]);
            }
        }
    }

    private void counterBlock(byte[] nonce, int i) {
        a[0] = (byte) A_FLAGS;
        System.arraycopy(nonce, 0, a, 1, NONCE);
        a[14] = (byte) (i >>> 8);
        a[15] = (byte) i;
    }
}
