package io.sngw.core.linksec;

import java.time.Instant;
import java.util.Objects;

/**
 * A device's radio credential as the keyring keeps it: its root key, the client id it is bound to, how it got the key,
 * and where its counters stand durably.
 *
 * @param key               the 16-byte root key K; never logged
 * @param pairing           how the key came: over the air with or without install code, or provisioned by the CLI
 * @param downlinkReserved  the highest downlink counter that may have been used: after a restart the gateway sends
 *                          from the next one
 * @param uplinkAccepted    the last uplink counter accepted, as last written (lazily: it may lag the real one)
 * @param lastHeard         null when never heard
 */
public record RadioKey(long devid, byte[] key, String clientId, Pairing pairing, Instant paired,
                       long downlinkReserved, long uplinkAccepted, Instant lastHeard) {

    /** How a device got its key, as {@code sngw devices list} shows it. */
    public enum Pairing {
        INSTALL_CODE("paired with install code"),
        WITHOUT_INSTALL_CODE("paired without install code"),
        PROVISIONED("key provisioned");

        private final String text;

        Pairing(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public RadioKey {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(pairing, "pairing");
        Objects.requireNonNull(paired, "paired");
        if (key.length != 16) {
            throw new IllegalArgumentException("a radio key is 16 bytes, not " + key.length);
        }
        key = key.clone();
        // As the store keeps them: a key read back must equal the one written (paired identifies the key).
        paired = paired == null ? null : paired.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        lastHeard = lastHeard == null ? null : lastHeard.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public byte[] key() {
        return key.clone();
    }

    /** A fresh key: no frame sent or accepted yet (downlink counter 1 is used by a pairing's PAIR_ACCEPT). */
    public static RadioKey fresh(long devid, byte[] key, String clientId, Pairing pairing, Instant now) {
        return new RadioKey(devid, key, clientId, pairing, now, pairing == Pairing.PROVISIONED ? 0 : 1, 0, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RadioKey r && r.devid == devid && java.util.Arrays.equals(r.key, key)
                && r.clientId.equals(clientId) && r.pairing == pairing && Objects.equals(r.paired, paired)
                && r.downlinkReserved == downlinkReserved && r.uplinkAccepted == uplinkAccepted
                && Objects.equals(r.lastHeard, lastHeard);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(devid) * 31 + clientId.hashCode();
    }

    @Override
    public String toString() {
        return "RadioKey[" + RadioFrame.hex(devid) + " as " + clientId + ", " + pairing.text() + "]";
    }
}
