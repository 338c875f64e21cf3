package io.sngw.deploy;

import io.sngw.bridge.mqtt.CloudPreset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cloud parts of {@code upstream:}: {@code preset}, the {@code tls:} section, {@code password-file} and
 * {@code status-topic}. A preset fills in what its platform requires where the file says nothing, and what the file
 * says overrides it; then the combination is checked against what the platform requires, so that a configuration the
 * cloud would refuse fails here with the key to fix rather than as a connection refused at 3 a.m.
 */
final class CloudConfig {
    static final List<String> TLS_KEYS = List.of("ca-file", "cert-file", "key-file", "verify-hostname", "alpn");
    /** {@code upstream.status-topic} unless configured; {@code {gateway-id}} stands for gateway.id. */
    static final String DEFAULT_STATUS_TOPIC = "sngw/{gateway-id}/status";
    private static final String NONE = "none";
    private static final int MAX_PASSWORD_BYTES = 65535;

    private CloudConfig() {
    }

    /** {@code upstream.preset}, or null. */
    static CloudPreset preset(ConfigSection s) throws ConfigException {
        if (!s.has("preset") || s.raw("preset") == null) {
            return null;
        }
        CloudPreset preset = s.raw("preset") instanceof String key ? CloudPreset.byKey(key) : null;
        if (preset == null) {
            throw ConfigException.invalid(s.pathOf("preset"), s.raw("preset"), "null or one of " + CloudPreset.keys());
        }
        return preset;
    }

    /** The url's checks for a preset: a platform endpoint, over TLS where the platform takes nothing else. */
    static void checkUrl(ConfigSection s, CloudPreset preset, String url, BrokerUrl broker) throws ConfigException {
        if (preset == null) {
            return;
        }
        if (broker == null) {
            throw ConfigException.invalid(s.pathOf("url"), url, "the " + preset.platform() + " endpoint, e.g. "
                    + example(preset) + " (upstream.preset is " + preset.key() + ")");
        }
        if (preset.requiresTls() && !broker.tls()) {
            throw ConfigException.invalid(s.pathOf("url"), url, "an ssl:// URL such as " + example(preset) + ": "
                    + preset.platform() + " takes TLS connections only");
        }
        String hostProblem = preset.hostProblem(broker.host());
        if (hostProblem != null) {
            throw ConfigException.invalid(s.pathOf("url"), url, hostProblem);
        }
    }

    private static String example(CloudPreset preset) {
        return switch (preset) {
            case AWS_IOT_CORE -> "ssl://abc123-ats.iot.eu-west-1.amazonaws.com:8883";
            case AZURE_IOT_HUB -> "ssl://my-hub.azure-devices.net:8883";
            case HIVEMQ_CLOUD -> "ssl://abc123.s1.eu.hivemq.cloud:8883";
            case EMQX_CLOUD -> "ssl://abc123.ala.eu-central-1.emqxsl.com:8883";
            case MOSQUITTO -> "tcp://mosquitto.local:1883";
        };
    }

    /**
     * {@code upstream.tls:} for a TLS url; refused for a plain one, where it would silently mean nothing. The ALPN
     * default comes from the preset and the port (AWS IoT Core on 443).
     */
    static GatewayConfig.TlsSettings tls(ConfigSection upstream, CloudPreset preset, BrokerUrl broker)
            throws ConfigException {
        ConfigSection s = upstream.section("tls", TLS_KEYS);
        if (broker == null || !broker.tls()) {
            if (upstream.has("tls") && upstream.raw("tls") != null) {
                throw new ConfigException(s.path(), "is given, but upstream.url is not a TLS URL: use ssl://HOST[:PORT]"
                        + " for TLS");
            }
            return GatewayConfig.TlsSettings.DEFAULT;
        }
        Path caFile = s.readableFile("ca-file");
        Path certFile = s.readableFile("cert-file");
        Path keyFile = s.readableFile("key-file");
        if (certFile != null && keyFile == null) {
            throw new ConfigException(s.pathOf("key-file"), "is missing: upstream.tls.cert-file needs its private key");
        }
        if (keyFile != null && certFile == null) {
            throw new ConfigException(s.pathOf("cert-file"), "is missing: upstream.tls.key-file needs the certificate"
                    + " it belongs to");
        }
        boolean verifyHostname = s.bool("verify-hostname", true);
        List<String> alpn = preset == null ? List.of() : preset.alpn(broker.port());
        if (s.has("alpn")) {
            alpn = alpn(s);
        }
        if (preset != null && preset.requiresClientCertificate() && certFile == null) {
            throw new ConfigException(s.pathOf("cert-file"), "is missing: " + preset.platform() + " (upstream.preset "
                    + preset.key() + ") authenticates the gateway by its client certificate: set upstream.tls.cert-file"
                    + " and upstream.tls.key-file to the thing's certificate and private key");
        }
        return new GatewayConfig.TlsSettings(caFile, certFile, keyFile, verifyHostname, alpn);
    }

    private static List<String> alpn(ConfigSection s) throws ConfigException {
        Object raw = s.raw("alpn");
        String expected = "null, a protocol name such as x-amzn-mqtt-ca, or a list of them";
        List<String> out = new ArrayList<>();
        if (raw instanceof String one) {
            out.add(one);
        } else if (raw instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String name)) {
                    throw ConfigException.invalid(s.pathOf("alpn"), raw, expected);
                }
                out.add(name);
            }
        } else if (raw != null) {
            throw ConfigException.invalid(s.pathOf("alpn"), raw, expected);
        }
        for (String name : out) {
            if (name.isEmpty() || name.length() > 255 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                throw ConfigException.invalid(s.pathOf("alpn"), raw, expected + " (1..255 printable ASCII characters)");
            }
        }
        return List.copyOf(out);
    }

    /**
     * The password from {@code upstream.password-file}: the file's content without one trailing line break, read now
     * (so that check-config finds an unreadable file); never shown in a message.
     */
    static String passwordFromFile(ConfigSection s) throws ConfigException {
        Path file = s.readableFile("password-file");
        if (file == null) {
            return null;
        }
        if (s.has("password") && s.raw("password") != null) {
            throw new ConfigException(s.pathOf("password"), "and upstream.password-file are both given: expected one"
                    + " (prefer the file: a secret in the YAML ends up in backups and bug reports)");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ConfigException.invalid(s.pathOf("password-file"), file.toString(),
                    "the absolute path of a readable file; cannot read it: " + e.getClass().getSimpleName());
        }
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\n') {
            length--;
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
        }
        String expected = "a file holding the password (1..65535 bytes of UTF-8, one trailing line break allowed)";
        if (length == 0 || length > MAX_PASSWORD_BYTES) {
            throw ConfigException.invalid(s.pathOf("password-file"), file.toString(), expected + "; it holds "
                    + length + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.invalid(s.pathOf("password-file"), file.toString(), expected
                    + "; it is not UTF-8 text");
        }
    }

    /** The credentials the preset's platform needs, and a keep-alive it takes. */
    static void checkRequirements(ConfigSection s, CloudPreset preset, String username, String password,
                                  GatewayConfig.TlsSettings tls, Duration keepAlive) throws ConfigException {
        if (preset == null) {
            return;
        }
        String because = preset.platform() + " (upstream.preset " + preset.key() + ")";
        if (preset.requiresPassword() && (username == null || password == null)) {
            throw new ConfigException(s.pathOf(username == null ? "username" : "password-file"), "is missing: "
                    + because + " needs the user name and password of its access credentials");
        }
        if (preset == CloudPreset.AZURE_IOT_HUB && password == null && tls.certFile() == null) {
            throw new ConfigException(s.pathOf("password-file"), "is missing: " + because + " needs a SAS token in"
                    + " upstream.password-file, or an X.509 certificate in upstream.tls.cert-file and key-file");
        }
        if (keepAlive.compareTo(Duration.ofSeconds(preset.maxKeepAliveSeconds())) > 0) {
            throw ConfigException.invalid(s.pathOf("keep-alive"), Durations.format(keepAlive), "at most "
                    + preset.maxKeepAliveSeconds() + "s: " + because + " takes no longer keep-alive");
        }
    }

    /**
     * {@code upstream.status-topic} with {@code {gateway-id}} filled in, or null for none ({@code none} or null in
     * the file; by default none for a platform that takes no such topic).
     */
    static String statusTopic(ConfigSection s, CloudPreset preset, int gatewayId) throws ConfigException {
        String fallback = preset == null || preset.statusTopicByDefault() ? DEFAULT_STATUS_TOPIC : NONE;
        String topic = s.string("status-topic", fallback, true);
        if (topic == null || NONE.equals(topic)) {
            return null;
        }
        String resolved = topic.replace("{gateway-id}", Integer.toString(gatewayId));
        if (resolved.contains("+") || resolved.contains("#") || resolved.contains("\u0000")
                || resolved.getBytes(StandardCharsets.UTF_8).length > 65535 || resolved.contains("{")) {
            throw ConfigException.invalid(s.pathOf("status-topic"), topic, "none, or an MQTT topic name without"
                    + " wildcards (" + DEFAULT_STATUS_TOPIC + " by default; {gateway-id} is gateway.id)");
        }
        return resolved;
    }
}
