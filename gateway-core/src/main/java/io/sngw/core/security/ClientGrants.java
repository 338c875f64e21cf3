package io.sngw.core.security;

import java.util.List;

/**
 * What one connected client may do: its device's ACL patterns with {@code %c} already replaced by its client id,
 * resolved once at CONNECT so that a PUBLISH costs a few pattern matches and no lookup.
 */
public record ClientGrants(List<String> publish, List<String> subscribe) {
    /** No restriction: authentication is off. */
    public static final ClientGrants ALL = new ClientGrants(List.of("#"), List.of("#"));

    public ClientGrants {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }

    static ClientGrants of(Device device) {
        return new ClientGrants(resolve(device.publishPatterns(), device.clientId()),
                resolve(device.subscribePatterns(), device.clientId()));
    }

    private static List<String> resolve(List<String> patterns, String clientId) {
        return patterns == null ? List.of() : patterns.stream().map(p -> p.replace("%c", clientId)).toList();
    }

    public boolean mayPublish(String topic) {
        for (String pattern : publish) {
            if (covers(pattern, topic)) {
                return true;
            }
        }
        return false;
    }

    /** A filter is allowed when every topic it can match is allowed: {@code a/+} does not cover {@code a/#}. */
    public boolean maySubscribe(String filter) {
        for (String pattern : subscribe) {
            if (covers(pattern, filter)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code pattern} matches everything {@code filter} (a topic name or a filter) can match. Walks both
     * strings level by level in place: it runs for every PUBLISH, and splitting both into arrays was a visible
     * share of the session loops' time under QoS 0 load.
     */
    static boolean covers(String pattern, String filter) {
        int p = 0;
        int f = 0;
        boolean filterLeft = true;
        while (true) {
            int pEnd = levelEnd(pattern, p);
            if (isLevel(pattern, p, pEnd, '#')) {
                return true;
            }
            if (!filterLeft) {
                return false;
            }
            int fEnd = levelEnd(filter, f);
            if (isLevel(filter, f, fEnd, '#')) {
                return false;
            }
            if (!isLevel(pattern, p, pEnd, '+')
                    && (pEnd - p != fEnd - f || !pattern.regionMatches(p, filter, f, pEnd - p))) {
                return false;
            }
            filterLeft = fEnd < filter.length();
            if (pEnd == pattern.length()) {
                return !filterLeft;
            }
            p = pEnd + 1;
            f = fEnd + 1;
        }
    }

    private static int levelEnd(String s, int from) {
        int slash = s.indexOf('/', from);
        return slash < 0 ? s.length() : slash;
    }

    private static boolean isLevel(String s, int start, int end, char only) {
        return end - start == 1 && s.charAt(start) == only;
    }
}
