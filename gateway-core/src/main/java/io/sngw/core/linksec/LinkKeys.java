package io.sngw.core.linksec;

/**
 * A device's two frame keys, derived from its root key K so that the uplink and the downlink never encrypt under the
 * same key: K_up = HKDF-SHA256(salt "sngw radio v1", K, "up" || devid, 16), K_down likewise with "down".
 */
public record LinkKeys(byte[] up, byte[] down) {
    private static final byte[] SALT = Hkdf.ascii("sngw radio v1");

    public LinkKeys {
        up = up.clone();
        down = down.clone();
    }

    public static LinkKeys derive(byte[] rootKey, long devid) {
        if (rootKey.length != 16) {
            throw new IllegalArgumentException("a radio key is 16 bytes, not " + rootKey.length);
        }
        byte[] id = Hkdf.devidBytes(devid);
        return new LinkKeys(Hkdf.derive(SALT, rootKey, Hkdf.concat(Hkdf.ascii("up"), id), 16),
                Hkdf.derive(SALT, rootKey, Hkdf.concat(Hkdf.ascii("down"), id), 16));
    }

    public byte[] up() {
        return up.clone();
    }

    public byte[] down() {
        return down.clone();
    }

    byte[] of(Direction direction) {
        return direction == Direction.UPLINK ? up : down;
    }

    @Override
    public String toString() {
        return "LinkKeys[hidden]";
    }
}
