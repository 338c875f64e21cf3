package io.sngw.bridge.mqtt;

import java.nio.charset.StandardCharsets;

/**
 * Client-side checks of topic names and filters before they reach the broker. Mosquitto answers a malformed topic or
 * filter by dropping the whole connection (every sensor's traffic), so the bridge refuses it per request instead.
 * Conservative: it also refuses the control characters MQTT 3.1.1 §1.5.3 says a string SHOULD NOT contain, because
 * Mosquitto treats them as malformed UTF-8.
 */
final class Topics {

    private static final int MAX_UTF8_BYTES = 65535;

    private Topics() {
    }

    /** Null when {@code topic} is a valid topic name to PUBLISH to, else the reason. */
    static String checkTopicName(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "topic name must not be empty";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                return "topic name must not contain the wildcard '" + c + "': '" + topic + "'";
            }
        }
        return checkString("topic name", topic);
    }

    /** Null when {@code filter} is a valid topic filter to SUBSCRIBE to, else the reason. */
    static String checkFilter(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "topic filter must not be empty";
        }
        int levelStart = 0;
        for (int i = 0; i <= filter.length(); i++) {
            if (i == filter.length() || filter.charAt(i) == '/') {
                String level = filter.substring(levelStart, i);
                if (level.length() > 1 && (level.indexOf('+') >= 0 || level.indexOf('#') >= 0)) {
                    return "wildcards '+' and '#' must fill a whole topic level: '" + filter + "'";
                }
                if (level.equals("#") && i != filter.length()) {
                    return "'#' is allowed only as the last topic level: '" + filter + "'";
                }
                levelStart = i + 1;
            }
        }
        return checkString("topic filter", filter);
    }

    private static String checkString(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
                return what + " must not contain the control character U+" + String.format("%04X", (int) c)
                        + " (at index " + i + ")";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return what + " contains an unpaired surrogate at index " + i;
            }
            if (Character.isLowSurrogate(c)) {
                return what + " contains an unpaired surrogate at index " + i;
            }
        }
        if (s.length() * 3 > MAX_UTF8_BYTES && s.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
            return what + " is longer than 65535 UTF-8 bytes";
        }
        return null;
    }
}
