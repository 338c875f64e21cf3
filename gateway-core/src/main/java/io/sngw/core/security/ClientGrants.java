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

    /** Whether {@code pattern} matches everything {@code filter} (a topic name or a filter) can match. */
    static boolean covers(String pattern, String filter) {
        String[] p = pattern.split("/", -1);
        String[] f = filter.split("/", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("#")) {
                return true;
            }
            if (i >= f.length || f[i].equals("#")) {
                return false;
            }
            if (!p[i].equals("+") && !p[i].equals(f[i])) {
                return false;
            }
        }
        return p.length == f.length;
    }
}
