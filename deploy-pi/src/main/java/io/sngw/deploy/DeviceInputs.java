package io.sngw.deploy;

import io.sngw.core.security.ClientIds;
import io.sngw.core.topic.TopicFilter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** What the devices and pair commands take from the command line, checked: each problem said with what was expected. */
final class DeviceInputs {
    static final int MIN_PSK_BYTES = 16;
    static final int MAX_PSK_BYTES = 64;

    private static final String CLIENT_ID_EXPECTED = ClientIds.expected(ClientIds.MAX_SENSOR_ID_BYTES)
            + " (the id replaces %c in topic patterns)";
    private static final String PSK_EXPECTED = "an even number of hex digits, a key of " + MIN_PSK_BYTES + " to "
            + MAX_PSK_BYTES + " bytes (" + 2 * MIN_PSK_BYTES + " to " + 2 * MAX_PSK_BYTES + " hex digits);"
            + " the value is not shown, it is a secret";
    private static final String PATTERN_EXPECTED = "an MQTT topic filter: levels separated by '/', '+' alone in a"
            + " level, '#' alone in the last level, %c for the client id, no control characters";

    private DeviceInputs() {
    }

    static String clientIdProblem(String clientId) {
        String problem = ClientIds.problem(clientId, ClientIds.MAX_SENSOR_ID_BYTES);
        if (problem == null) {
            return null;
        }
        return "client id " + ConfigException.describe(clientId) + " (" + problem + ") is not valid: expected "
                + CLIENT_ID_EXPECTED;
    }

    /** Never shows the key, not even a part of it: only what is wrong with its shape. */
    static String pskProblem(String hex) {
        String found;
        int bad = firstNonHex(hex);
        if (bad >= 0) {
            found = "a character other than 0-9, a-f, A-F at position " + (bad + 1);
        } else if (hex.isEmpty()) {
            found = "empty";
        } else if (hex.length() % 2 != 0) {
            found = "an odd number of hex digits, " + hex.length();
        } else if (hex.length() / 2 < MIN_PSK_BYTES || hex.length() / 2 > MAX_PSK_BYTES) {
            found = hex.length() / 2 + (hex.length() == 2 ? " byte" : " bytes");
        } else {
            return null;
        }
        return "--psk: not valid (" + found + "): expected " + PSK_EXPECTED;
    }

    /** The first pattern that is not a valid ACL pattern, said; null when all are. */
    static String patternsProblem(String option, List<String> patterns) {
        for (String pattern : patterns) {
            boolean plain = pattern.chars().noneMatch(Character::isISOControl);
            if (!plain || !TopicFilter.isValidFilter(pattern)
                    || pattern.getBytes(StandardCharsets.UTF_8).length > 65535) {
                return option + ": " + ConfigException.describe(pattern) + " is not valid: expected "
                        + PATTERN_EXPECTED;
            }
        }
        return null;
    }

    static boolean isHex(String text) {
        return firstNonHex(text) < 0;
    }

    private static int firstNonHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            if ("0123456789abcdefABCDEF".indexOf(text.charAt(i)) < 0) {
                return i;
            }
        }
        return -1;
    }
}
