package io.sngw.deploy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An upstream broker's address as written in {@code upstream.url}: {@code tcp://host[:port]} (or {@code mqtt://})
 * for plain MQTT on 1883 by default, {@code ssl://host[:port]} (or {@code tls://}, {@code mqtts://}) for TLS on
 * 8883 by default.
 */
public record BrokerUrl(String host, int port, boolean tls) {

    static final String EXPECTED = "\"embedded\" or a broker URL tcp://HOST[:PORT] or ssl://HOST[:PORT]";

    /** Parses a broker URL; throws IllegalArgumentException with the reason when it is not one. */
    public static BrokerUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "tcp", "mqtt" -> false;
            case "ssl", "tls", "mqtts" -> true;
            default -> throw new IllegalArgumentException("unsupported scheme \"" + scheme + "\"");
        };
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        // The URL names a broker, nothing else: credentials go to upstream.username/password, where they are not
        // logged with the URL.
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials in the URL");
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a path or query");
        }
        int port = uri.getPort() == -1 ? (tls ? 8883 : 1883) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new BrokerUrl(host, port, tls);
    }

    /**
     * {@code url} as it may be shown in a message: whatever stands before an '@' in its authority (a user name and
     * password) replaced by "***", so that the error about a URL with credentials does not print them.
     */
    public static String redacted(String url) {
        int authority = url.indexOf("//");
        int start = authority < 0 ? 0 : authority + 2;
        int end = url.length();
        for (int i = start; i < url.length(); i++) {
            if ("/?#".indexOf(url.charAt(i)) >= 0) {
                end = i;
                break;
            }
        }
        int at = url.lastIndexOf('@', end - 1);
        return at < start ? url : url.substring(0, start) + "***" + url.substring(at);
    }

    /** The canonical spelling, for logs. */
    @Override
    public String toString() {
        return (tls ? "ssl://" : "tcp://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
