package io.sngw.bridge.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * How the bridge reaches its broker. Validated on construction; every rejection names the field and the value. A
 * null duration means its default ({@code DEFAULT_*}).
 *
 * @param host           broker host name or address
 * @param port           broker TCP port, 1..65535
 * @param tls            TLS to the broker, or null for plain TCP
 * @param clientId       MQTT client id of the gateway's one aggregating connection (1..65535 UTF-8 bytes)
 * @param username       MQTT user name, or null
 * @param password       MQTT password, or null; MQTT 3.1.1 allows a password only together with a user name
 * @param keepAlive      MQTT keep-alive, 1 s..65535 s (sent in whole seconds, rounded up); the connection is dropped
 *                       when nothing arrives from the broker for 1.5 × keepAlive
 * @param connectTimeout TCP connect plus CONNACK, per attempt
 * @param reconnectMin   first reconnect delay; doubles per failed attempt ...
 * @param reconnectMax   ... up to this (each delay gets up to 25 % jitter)
 * @param maxInflight    QoS 1/2 publishes towards the broker awaiting PUBACK/PUBREC, 1..65535; a publish beyond
 *                       it fails at once with {@code UpstreamUnavailableException("broker window full ...")}
 * @param cleanSession   MQTT CleanSession of the connection; false keeps the gateway's subscriptions and its
 *                       unacknowledged QoS 1/2 messages at the broker while the gateway is away, which needs a
 *                       client id that stays the same across restarts
 * @param statusTopic    where the gateway's own status goes as a retained message: {@code online} once connected,
 *                       {@code offline} as the connection's will and before a clean disconnect; null for none
 * @param limits         what the broker's platform can take (null means {@link PlatformLimits#NONE})
 */
public record BridgeOptions(String host, int port, TlsOptions tls, String clientId, String username, String password,
        Duration keepAlive, Duration connectTimeout, Duration reconnectMin, Duration reconnectMax, int maxInflight,
        boolean cleanSession, String statusTopic, PlatformLimits limits) {

    public static final int DEFAULT_PORT = 1883;
    public static final int DEFAULT_TLS_PORT = 8883;
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);
    /**
     * Ten thousand, not a few hundred: one connection carries every sensor's QoS 1 traffic, and each sensor may have
     * limits.max-inflight (10) publishes outstanding, so 100 sensors alone fill 1,000; a smaller window turns into
     * PUBACK congestion for sensors while the broker could take more. Costs a map entry per publish in flight.
     */
    public static final int DEFAULT_MAX_INFLIGHT = 10_000;

    private static final int MAX_UTF8_STRING = 65535;

    public BridgeOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (clientId == null || clientId.isEmpty()) {
            throw new IllegalArgumentException("clientId must not be empty");
        }
        checkUtf8("clientId", clientId);
        if (username != null) {
            checkUtf8("username", username);
        }
        if (password != null) {
            if (username == null) {
                throw new IllegalArgumentException("password given without username: MQTT 3.1.1 sends a password"
                        + " only together with a user name");
            }
            if (password.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_STRING) {
                throw new IllegalArgumentException("password is longer than 65535 bytes");
            }
        }
        keepAlive = keepAlive == null ? DEFAULT_KEEP_ALIVE : keepAlive;
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        reconnectMin = reconnectMin == null ? DEFAULT_RECONNECT_MIN : reconnectMin;
        reconnectMax = reconnectMax == null ? DEFAULT_RECONNECT_MAX : reconnectMax;
        if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0 || keepAlive.compareTo(Duration.ofSeconds(65535)) > 0) {
            throw new IllegalArgumentException("keepAlive must be 1 s..65535 s: " + keepAlive);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
        if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connectTimeout is too long: " + connectTimeout);
        }
        if (reconnectMin.isNegative() || reconnectMin.isZero()) {
            throw new IllegalArgumentException("reconnectMin must be positive: " + reconnectMin);
        }
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnectMax (" + reconnectMax + ") must not be less than reconnectMin ("
                    + reconnectMin + ")");
        }
        if (maxInflight < 1 || maxInflight > 65535) {
            throw new IllegalArgumentException("maxInflight must be 1..65535 (MQTT packet ids): " + maxInflight);
        }
        if (statusTopic != null) {
            String problem = Topics.checkTopicName(statusTopic);
            if (problem != null) {
                throw new IllegalArgumentException("statusTopic: " + problem);
            }
        }
        limits = limits == null ? PlatformLimits.NONE : limits;
    }

    /** Plain TCP to {@code host:port} with every other option at its default (a clean session). */
    public static BridgeOptions of(String host, int port, String clientId) {
        return new BridgeOptions(host, port, null, clientId, null, null, DEFAULT_KEEP_ALIVE, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_RECONNECT_MIN, DEFAULT_RECONNECT_MAX, DEFAULT_MAX_INFLIGHT, true, null, PlatformLimits.NONE);
    }

    /**
     * Parses a broker URL: {@code tcp://host[:port]} or {@code mqtt://} (port 1883 when absent), {@code ssl://},
     * {@code mqtts://} or {@code tls://} for TLS verified against the system trust store (port 8883 when absent);
     * IPv6 literals in brackets. Credentials are not taken from the URL (use {@link #withCredentials}); a path, query
     * or fragment is rejected.
     */
    public static BridgeOptions fromUrl(String url, String clientId) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("broker URL must not be empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("broker URL is not a valid URI: '" + url + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            throw new IllegalArgumentException("broker URL has no scheme: '" + url + "' (expected tcp://host:port)");
        }
        if (uri.isOpaque()) {
            throw new IllegalArgumentException("broker URL must look like tcp://host[:port]: '" + url + "'");
        }
        boolean tls = switch (scheme) {
            case "tcp", "mqtt" -> false;
            case "ssl", "mqtts", "tls" -> true;
            default -> throw new IllegalArgumentException("unsupported broker URL scheme '" + scheme + "://' in '" + url
                    + "': expected tcp://host:port or ssl://host:port");
        };
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("broker URL must not carry credentials: '" + scheme + "://"
                    + "***@" + uri.getHost() + "' (configure username/password separately)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("broker URL has no valid host: '" + url + "' (expected tcp://host:port)");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("broker URL must not have a path: '" + url + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("broker URL must not have a query or fragment: '" + url + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? (tls ? DEFAULT_TLS_PORT : DEFAULT_PORT) : uri.getPort();
        BridgeOptions plain = of(host, port, clientId);
        return tls ? plain.withTls(TlsOptions.systemTrust()) : plain;
    }

    public BridgeOptions withCredentials(String username, String password) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    public BridgeOptions withKeepAlive(Duration keepAlive) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    public BridgeOptions withConnectTimeout(Duration connectTimeout) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    public BridgeOptions withReconnect(Duration reconnectMin, Duration reconnectMax) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    public BridgeOptions withMaxInflight(int maxInflight) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    public BridgeOptions withCleanSession(boolean cleanSession) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    /** TLS to the broker; null for plain TCP. */
    public BridgeOptions withTls(TlsOptions tls) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    /** The retained online/offline status topic; null for none. */
    public BridgeOptions withStatusTopic(String statusTopic) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    public BridgeOptions withLimits(PlatformLimits limits) {
        return new BridgeOptions(host, port, tls, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, cleanSession, statusTopic, limits);
    }

    /**
     * Transparent mode: a sensor's own connection, under its own client id and CleanSession, with the same TLS and
     * platform limits. No status topic: the gateway's online/offline status is its own connection's, and a sensor's
     * connection carries the sensor's will instead.
     */
    public BridgeOptions forSensor(String sensorClientId, boolean sensorCleanSession) {
        return new BridgeOptions(host, port, tls, sensorClientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, sensorCleanSession, null, limits);
    }

    /** The keep-alive as sent in CONNECT: whole seconds, rounded up. */
    int keepAliveSeconds() {
        long seconds = keepAlive.getSeconds() + (keepAlive.getNano() > 0 ? 1 : 0);
        return (int) Math.min(seconds, 65535);
    }

    /** host:port, with IPv6 literals in brackets. */
    String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "BridgeOptions[" + (tls != null ? "ssl://" : "tcp://") + address() + (tls == null ? "" : ", " + tls) + ", clientId=" + clientId + ", username="
                + username + ", password=" + (password == null ? "null" : "***") + ", keepAlive=" + keepAlive
                + ", connectTimeout=" + connectTimeout + ", reconnect=" + reconnectMin + ".." + reconnectMax
                + ", maxInflight=" + maxInflight + ", cleanSession=" + cleanSession + ", statusTopic=" + statusTopic
                + ", limits=" + limits + "]";
    }

    private static void checkUtf8(String field, String value) {
        if (value.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(field + " must not contain U+0000");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_STRING) {
            throw new IllegalArgumentException(field + " is longer than 65535 UTF-8 bytes");
        }
    }
}
