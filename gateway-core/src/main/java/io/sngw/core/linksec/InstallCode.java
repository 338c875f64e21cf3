package io.sngw.core.linksec;

import java.util.HexFormat;

/**
 * The per-sensor secret printed on a device: 16 bytes, entered as 32 hex digits with dashes allowed. It salts the
 * pairing key derivation, so only a radio that knows it can complete a pairing. Never logged.
 */
public final class InstallCode {
    private final byte[] bytes;

    private InstallCode(byte[] bytes) {
        this.bytes = bytes;
    }

    public static InstallCode of(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an install code is 16 bytes, not " + bytes.length);
        }
        return new InstallCode(bytes.clone());
    }

    /** Parses "a0a1a2a3-a4a5-..." (32 hex digits, dashes anywhere); IllegalArgumentException says what is wrong. */
    public static InstallCode parse(String text) {
        String digits = text.replace("-", "");
        if (digits.length() != 32) {
            throw new IllegalArgumentException("expected 32 hex digits (dashes allowed), got " + digits.length()
                    + " digits");
        }
        try {
            return new InstallCode(HexFormat.of().parseHex(digits));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected 32 hex digits (dashes allowed), found a non-hex character");
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstallCode c && java.security.MessageDigest.isEqual(c.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "InstallCode[hidden]";
    }
}
