package io.sngw.core.security;

import io.sngw.core.LogText;

import java.nio.charset.StandardCharsets;

/**
 * The one rule for client ids, wherever one comes from: a sensor's CONNECT, {@code sngw devices add}, the upstream
 * client id in the configuration. UTF-8 of 1 to a bounded number of bytes, without control, line-breaking or
 * invisible formatting characters (an id ends up in log lines), and without {@code /}, {@code +} or {@code #}: a
 * device id replaces {@code %c} in topic patterns, where those would add levels or wildcards, and "../../etc" is
 * nobody's sensor.
 */
public final class ClientIds {
    /** MQTT-SN's ClientId field: 1 to 23 bytes (spec 1.2, §5.3.1). */
    public static final int MAX_SENSOR_ID_BYTES = 23;
    /**
     * The upstream MQTT client id: brokers must take 23 bytes and may take more, and cloud hubs name things in ids of
     * up to 128 bytes.
     */
    public static final int MAX_UPSTREAM_ID_BYTES = 128;

    private ClientIds() {
    }

    /** What the rule asks, for messages: "expected " + this. */
    public static String expected(int maxBytes) {
        return "a client id of 1 to " + maxBytes + " bytes of UTF-8, without control characters, '/', '+' or '#'";
    }

    /** Null when {@code id} is a valid client id of at most {@code maxBytes} bytes; otherwise what is wrong with it. */
    public static String problem(String id, int maxBytes) {
        if (id.isEmpty()) {
            return "empty";
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(id)) {
            return "not valid UTF-8";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (LogText.needsEscape(c)) {
                return "a control character at position " + (i + 1);
            }
            if (c == '/' || c == '+' || c == '#') {
                return "'" + c + "' at position " + (i + 1);
            }
        }
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            return bytes + " bytes";
        }
        return null;
    }

    /** Whether a sensor may use {@code id} (a CONNECT, a device in the registry). */
    public static boolean isValidSensorId(String id) {
        return problem(id, MAX_SENSOR_ID_BYTES) == null;
    }
}
