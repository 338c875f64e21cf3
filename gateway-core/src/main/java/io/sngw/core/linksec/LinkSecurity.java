package io.sngw.core.linksec;

import java.util.Locale;

/** The policy of one link ({@code link-security:} on a serial port and on udp). */
public enum LinkSecurity {
    /** Plain MQTT-SN only: radio frames are not looked at (dropped as malformed by the codec). */
    NONE,
    /** Protected frames and plain MQTT-SN both accepted. */
    OPTIONAL,
    /** Protected frames only: plain MQTT-SN is dropped and counted. */
    REQUIRED;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Null when {@code text} names none of them. */
    public static LinkSecurity parse(String text) {
        for (LinkSecurity s : values()) {
            if (s.key().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
