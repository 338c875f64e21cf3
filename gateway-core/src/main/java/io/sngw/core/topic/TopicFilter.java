package io.sngw.core.topic;

/** MQTT topic name and filter rules (MQTT 3.1.1 §4.7), shared by subscriptions and publishes. */
public final class TopicFilter {
    private TopicFilter() {
    }

    public static boolean hasWildcard(String topic) {
        return topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0;
    }

    /** A name a message can be published to: not empty, no wildcards, no NUL. */
    public static boolean isValidName(String topic) {
        return !topic.isEmpty() && !hasWildcard(topic) && topic.indexOf('\0') < 0;
    }

    /** A filter: '+' alone in its level, '#' alone in the last level, no NUL. */
    public static boolean isValidFilter(String filter) {
        if (filter.isEmpty() || filter.indexOf('\0') >= 0) {
            return false;
        }
        int levelStart = 0;
        for (int i = 0; i <= filter.length(); i++) {
            if (i == filter.length() || filter.charAt(i) == '/') {
                String level = filter.substring(levelStart, i);
                boolean lastLevel = i == filter.length();
                if (level.contains("#") && (!level.equals("#") || !lastLevel)) {
                    return false;
                }
                if (level.contains("+") && !level.equals("+")) {
                    return false;
                }
                levelStart = i + 1;
            }
        }
        return true;
    }

    /** Whether a topic name matches a valid filter; topics starting with '$' do not match a leading wildcard. */
    public static boolean matches(String filter, String topic) {
        if (!topic.isEmpty() && topic.charAt(0) == '$' && !filter.isEmpty()
                && (filter.charAt(0) == '+' || filter.charAt(0) == '#')) {
            return false;
        }
        int f = 0;
        int t = 0;
        int fl = filter.length();
        int tl = topic.length();
        while (f < fl) {
            char c = filter.charAt(f);
            if (c == '#') {
                return true;
            }
            if (c == '+') {
                while (t < tl && topic.charAt(t) != '/') {
                    t++;
                }
                f++;
            } else {
                if (t >= tl || topic.charAt(t) != c) {
                    // "a/#" also matches "a": the parent level of a multi-level wildcard
                    return t == tl && filter.startsWith("/#", f);
                }
                f++;
                t++;
            }
        }
        return t == tl;
    }
}
