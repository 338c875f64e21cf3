package io.sngw.bridge.mqtt;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a cloud MQTT platform requires and takes, so that a configuration names the platform and gets its ports,
 * ALPN, user name format and limits right; explicit settings override what a preset fills in. Sources: the
 * platforms' own documentation (AWS IoT Core "Quotas" and "MQTT", Azure IoT Hub "Communicate with an IoT hub using
 * the MQTT protocol", HiveMQ Cloud and EMQX Cloud connection guides), as of 2026.
 */
public enum CloudPreset {

    /**
     * AWS IoT Core: mutual TLS with the thing's certificate (8883, or 443 with ALPN {@code x-amzn-mqtt-ca}); QoS 0/1
     * only (a QoS 2 PUBLISH or SUBSCRIBE closes the connection), topics of at most 256 bytes and 7 slashes, client
     * ids of at most 128 bytes (the gateway's own limit too), keep-alive 30..1200 s. Retained messages are kept. The
     * server certificate chains to Amazon Root CA 1, which the JVM's trust store holds.
     */
    AWS_IOT_CORE("aws-iot-core", "AWS IoT Core", true, true, false,
            new PlatformLimits("AWS IoT Core", 1, true, 256, 7, null), 1200, true),

    /**
     * Azure IoT Hub: TLS on 8883 (443 is MQTT over WebSockets only, not offered here); client id = device id, user
     * name {@code {hub}.azure-devices.net/{device}/?api-version=2021-04-12}, password a SAS token (or an X.509 client
     * certificate instead); telemetry only under {@code devices/{device}/messages/events/}; QoS 0/1 only; no retained
     * messages; keep-alive at most 1177 s. No status topic by default: the hub takes no other topic.
     */
    AZURE_IOT_HUB("azure-iot-hub", "Azure IoT Hub", true, false, false,
            new PlatformLimits("Azure IoT Hub", 1, false, 65535, -1, "devices/{device}/messages/events/"), 1177, false),

    /** HiveMQ Cloud: TLS on 8883 (Let's Encrypt chain, in the JVM's trust store), user name and password; full MQTT. */
    HIVEMQ_CLOUD("hivemq-cloud", "HiveMQ Cloud", true, false, true, PlatformLimits.NONE, 65535, true),

    /** EMQX Cloud: TLS on 8883 (DigiCert chain, in the JVM's trust store), user name and password; full MQTT. */
    EMQX_CLOUD("emqx-cloud", "EMQX Cloud", true, false, true, PlatformLimits.NONE, 65535, true),

    /** Mosquitto (self-hosted): plain TCP on 1883 or TLS on 8883 as its listeners say; nothing is required. */
    MOSQUITTO("mosquitto", "Mosquitto", false, false, false, PlatformLimits.NONE, 65535, true);

    /** The api-version Azure IoT Hub's MQTT user name names (current GA version). */
    public static final String AZURE_API_VERSION = "2021-04-12";
    /** The ALPN protocol AWS IoT Core needs for MQTT with a client certificate on port 443. */
    public static final String AWS_ALPN = "x-amzn-mqtt-ca";

    private final String key;
    private final String platform;
    private final boolean requiresTls;
    private final boolean requiresClientCertificate;
    private final boolean requiresPassword;
    private final PlatformLimits limits;
    private final int maxKeepAliveSeconds;
    private final boolean statusTopicByDefault;

    CloudPreset(String key, String platform, boolean requiresTls, boolean requiresClientCertificate,
                boolean requiresPassword, PlatformLimits limits, int maxKeepAliveSeconds,
                boolean statusTopicByDefault) {
        this.key = key;
        this.platform = platform;
        this.requiresTls = requiresTls;
        this.requiresClientCertificate = requiresClientCertificate;
        this.requiresPassword = requiresPassword;
        this.limits = limits;
        this.maxKeepAliveSeconds = maxKeepAliveSeconds;
        this.statusTopicByDefault = statusTopicByDefault;
    }

    /** As written in {@code upstream.preset}, e.g. {@code aws-iot-core}. */
    public String key() {
        return key;
    }

    public String platform() {
        return platform;
    }

    /** The preset written as {@code key}, or null when there is none such. */
    public static CloudPreset byKey(String key) {
        for (CloudPreset p : values()) {
            if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        return null;
    }

    /** The keys, for "expected one of" messages. */
    public static String keys() {
        return Arrays.stream(values()).map(CloudPreset::key).collect(Collectors.joining(", "));
    }

    public boolean requiresTls() {
        return requiresTls;
    }

    public boolean requiresClientCertificate() {
        return requiresClientCertificate;
    }

    /** A user name and a password (the platform's credentials), or for Azure a SAS token unless a certificate. */
    public boolean requiresPassword() {
        return requiresPassword;
    }

    public int maxKeepAliveSeconds() {
        return maxKeepAliveSeconds;
    }

    /** Whether the gateway's retained online/offline status goes up unless configured otherwise. */
    public boolean statusTopicByDefault() {
        return statusTopicByDefault;
    }

    /** ALPN to offer on {@code port} unless configured: AWS IoT Core on 443 needs {@value #AWS_ALPN}. */
    public List<String> alpn(int port) {
        return this == AWS_IOT_CORE && port == 443 ? List.of(AWS_ALPN) : List.of();
    }

    /** The user name the platform expects for this host and client id, or null when it has no fixed format. */
    public String username(String host, String clientId) {
        return this == AZURE_IOT_HUB ? host + "/" + clientId + "/?api-version=" + AZURE_API_VERSION : null;
    }

    /** What the platform takes, for the device {@code clientId} (Azure's topic prefix names it). */
    public PlatformLimits limits(String clientId) {
        if (limits.topicPrefix() == null) {
            return limits;
        }
        return new PlatformLimits(limits.platform(), limits.maxQos(), limits.retain(), limits.maxTopicBytes(),
                limits.maxTopicSlashes(), limits.topicPrefix().replace("{device}", clientId));
    }

    /**
     * Why {@code host} cannot be this platform's endpoint, or null. Only Azure's is checked: its user name is made
     * from the host name (AWS IoT Core also serves custom domains).
     */
    public String hostProblem(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return switch (this) {
            case AZURE_IOT_HUB -> h.endsWith(".azure-devices.net") ? null
                    : "ssl://HUB.azure-devices.net[:8883], an Azure IoT Hub's host";
            default -> null;
        };
    }
}
