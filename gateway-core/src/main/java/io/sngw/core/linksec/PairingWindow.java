package io.sngw.core.linksec;

import java.time.Instant;
import java.util.Objects;

/**
 * A pairing window the operator opened: until {@code closes}, radios may pair. Without a devid it pairs any radio
 * (with the install code, or without one where the configuration allows); with a devid only that radio.
 *
 * @param installCode null: pairing without install code (refused unless {@code pairing.allow-without-install-code})
 * @param clientId    the client id the paired device gets; null for "sn-" and its devid
 * @param devid       the only radio this window pairs, or null for any
 */
public record PairingWindow(long id, Instant opened, Instant closes, InstallCode installCode, String clientId,
                            Long devid) {
    public PairingWindow {
        Objects.requireNonNull(opened, "opened");
        Objects.requireNonNull(closes, "closes");
    }

    public boolean isOpen(Instant now) {
        return now.isBefore(closes);
    }

    /** Whether this window may pair {@code radio}. */
    public boolean admits(long radio) {
        return devid == null || devid == radio;
    }

    @Override
    public String toString() {
        return "PairingWindow[" + id + " until " + closes + (installCode != null ? ", install code" : ", no install code")
                + (clientId != null ? ", as " + clientId : "") + (devid != null ? ", radio " + RadioFrame.hex(devid) : "")
                + "]";
    }
}
