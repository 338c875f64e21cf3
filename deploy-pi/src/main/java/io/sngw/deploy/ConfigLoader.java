package io.sngw.deploy;

import io.sngw.bridge.mqtt.CloudPreset;
import io.sngw.core.config.Budgets;
import io.sngw.core.security.ClientIds;
import io.sngw.core.linksec.LinkSecurity;
import io.sngw.transport.serial.Framing;
import io.sngw.transport.serial.SerialOptions;
import io.sngw.transport.serial.SerialPortSettings;
import io.sngw.transport.udp.DatagramIo;
import io.sngw.transport.udp.dtls.DtlsOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;

/**
 * Reads the YAML configuration file into a {@link GatewayConfig}, checking every key and value on the way. Whatever
 * is absent takes its default, so an empty file is a working configuration. SnakeYAML's SafeConstructor builds only
 * maps, lists and scalars: a tag naming a Java class is an error, never an object.
 */
public final class ConfigLoader {

    static final List<String> ROOT_KEYS = List.of("gateway", "udp", "dtls", "upstream", "predefined-topics",
            "advertise", "limits", "retry", "keep-alive-factor", "logging", "store", "security", "serial",
            "pairing", "gpio", "http");
    static final List<String> HTTP_KEYS = List.of("enabled", "bind", "port", "health");
    static final List<String> HTTP_HEALTH_KEYS = List.of("upstream-down-after");
    static final List<String> GATEWAY_KEYS = List.of("id", "session-loops");
    static final List<String> UDP_KEYS = List.of("enabled", "bind", "port", "broadcast", "io", "link-security");
    static final List<String> PAIRING_KEYS = List.of("allow-without-install-code");
    private static final List<String> LINK_SECURITY = List.of("none", "optional", "required");
    static final List<String> DTLS_KEYS = List.of("enabled", "bind", "port", "psk-suites", "certificate",
            "private-key", "client-ca", "handshake-timeout", "max-handshakes", "max-peers", "idle-timeout");
    static final List<String> UPSTREAM_KEYS = List.of("url", "client-id", "username", "password", "keep-alive",
            "connect-timeout", "reconnect-min", "reconnect-max", "max-inflight", "embedded-bind", "embedded-port",
            "clean-session", "preset", "tls", "password-file", "status-topic", "protocol", "session-expiry",
            "topic-aliases", "qos0-offline-expiry", "mode", "transparent-client-id", "max-connections",
            "topic-template", "qos0-max-age");
    static final List<String> ADVERTISE_KEYS = List.of("interval", "gwinfo-broadcast");
    static final List<String> LIMITS_KEYS = List.of("max-clients", "max-payload", "max-inflight",
            "max-topics-per-client", "max-subscriptions-per-client", "max-buffered-per-client", "idle-expiry",
            "max-registrations", "max-subscriptions", "max-kept-messages", "source-rate");
    /** The largest global budget a key takes; 0 sizes it from the heap. */
    private static final int MAX_BUDGET = 1_000_000_000;
    static final List<String> RETRY_KEYS = List.of("interval", "max");
    static final List<String> LOGGING_KEYS = List.of("level", "broker-level");
    static final List<String> SECURITY_KEYS = List.of("require-auth");
    static final List<String> SERIAL_KEYS = List.of("device", "baud", "framing", "flow-control", "data-bits", "parity",
            "stop-bits", "inter-byte-timeout", "write-queue", "radio-payload", "reopen-min", "reopen-max", "link-security");
    static final List<String> STORE_KEYS = List.of("dir", "ack", "on-corrupt", "queue-max-messages", "queue-max-size",
            "queue-max-age", "queue-window", "qos0-offline", "write-delay", "max-lag");

    private static final String LEVELS_EXPECTED = "one of off, error, warning, info, debug, trace, all";
    private static final Duration ONE_MS = Duration.ofMillis(1);

    private ConfigLoader() {
    }

    /** Loads and checks a file. A missing or unreadable file is a ConfigException too, with the reason. */
    public static GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file + ": " + e);
        }
        return parse(text);
    }

    /** Parses and checks configuration text. */
    public static GatewayConfig parse(String yaml) throws ConfigException {
        return parse(new StringReader(yaml));
    }

    public static GatewayConfig parse(Reader yaml) throws ConfigException {
        return fromTree(readTree(yaml));
    }

    private static Object readTree(Reader reader) throws ConfigException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);     // a key given twice is a mistake, not "the last one wins"
        options.setMaxAliasesForCollections(20);  // no billion-laughs expansion
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(1 << 20);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try {
            return yaml.load(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            throw new ConfigException("", "not valid YAML" + where + ": " + context + problem.strip(), e);
        } catch (YAMLException e) {
            throw new ConfigException("", "not valid YAML: " + e.getMessage(), e);
        }
    }

    private static GatewayConfig fromTree(Object document) throws ConfigException {
        GatewayConfig d = GatewayConfig.defaults();
        ConfigSection root = ConfigSection.root(document, ROOT_KEYS);

        ConfigSection gw = root.section("gateway", GATEWAY_KEYS);
        var gateway = new GatewayConfig.GatewaySettings(
                gw.integer("id", d.gateway().id(), 0, 255),
                gw.integer("session-loops", d.gateway().sessionLoops(), 0, 1024));

        ConfigSection u = root.section("udp", UDP_KEYS);
        var udp = new GatewayConfig.UdpSettings(
                u.bool("enabled", d.udp().enabled()),
                u.ipAddress("bind", d.udp().bind()),
                u.integer("port", d.udp().port(), 0, 65535),
                broadcast(u),
                LinkSecurity.parse(u.choice("link-security", d.udp().linkSecurity().key(), LINK_SECURITY)),
                udpIo(u, d.udp().io()));
        var dtls = dtls(root.section("dtls", DTLS_KEYS), d.dtls(), udp);

        var upstream = upstream(root.section("upstream", UPSTREAM_KEYS), d.upstream(), gateway.id());
        Map<Integer, String> topics = predefinedTopics(root);

        ConfigSection adv = root.section("advertise", ADVERTISE_KEYS);
        // ADVERTISE carries the interval in a 16-bit field counted in seconds.
        var advertise = new GatewayConfig.AdvertiseSettings(adv.duration("interval", d.advertise().interval(),
                Duration.ZERO, Duration.ofSeconds(65535), true, "(0s turns ADVERTISE off)"),
                adv.bool("gwinfo-broadcast", d.advertise().gwInfoBroadcast()));

        ConfigSection lim = root.section("limits", LIMITS_KEYS);
        var dl = d.limits();
        var limits = new GatewayConfig.LimitsSettings(
                lim.integer("max-clients", dl.maxClients(), 1, 10_000_000),
                lim.integer("max-payload", dl.maxPayload(), 1, 65528),
                lim.integer("max-inflight", dl.maxInflight(), 1, 65535),
                lim.integer("max-topics-per-client", dl.maxTopicsPerClient(), 1, 65534),
                lim.integer("max-subscriptions-per-client", dl.maxSubscriptionsPerClient(), 1, 65535),
                lim.integer("max-buffered-per-client", dl.maxBufferedPerClient(), 1, 1_000_000),
                new Budgets(lim.duration("idle-expiry", dl.budgets().idleExpiry(), Duration.ZERO, Duration.ofDays(3650),
                        true, "(0s keeps unsupervised sessions forever)"),
                        lim.integer("max-registrations", (int) dl.budgets().maxRegistrations(), 0, MAX_BUDGET),
                        lim.integer("max-subscriptions", (int) dl.budgets().maxSubscriptions(), 0, MAX_BUDGET),
                        lim.integer("max-kept-messages", (int) dl.budgets().maxKeptMessages(), 0, MAX_BUDGET),
                        lim.integer("source-rate", dl.budgets().sourceRate(), 0, 10_000_000)));

        ConfigSection r = root.section("retry", RETRY_KEYS);
        var retry = new GatewayConfig.RetrySettings(
                r.duration("interval", d.retry().interval(), ONE_MS, Duration.ofHours(1), false, ""),
                r.integer("max", d.retry().max(), 0, 100));

        List<SerialOptions> serial = serial(root, limits.maxPayload());
        if (!udp.enabled() && !dtls.enabled() && serial.isEmpty()) {
            throw ConfigException.invalid(u.pathOf("enabled"), false,
                    "true while DTLS is off (dtls.enabled) and no serial port is configured: the gateway needs a link");
        }

        double keepAliveFactor = root.number("keep-alive-factor", d.keepAliveFactor(), 1.0, 10.0);

        ConfigSection log = root.section("logging", LOGGING_KEYS);
        var logging = new GatewayConfig.LoggingSettings(
                level(log, "level", d.logging().level()),
                level(log, "broker-level", d.logging().brokerLevel()));

        var store = store(root.section("store", STORE_KEYS), d.store());

        ConfigSection sec = root.section("security", SECURITY_KEYS);
        ConfigSection pairing = root.section("pairing", PAIRING_KEYS);
        var security = new GatewayConfig.SecuritySettings(sec.bool("require-auth", d.security().requireAuth()),
                pairing.bool("allow-without-install-code", d.security().pairingWithoutInstallCode()));
        if (security.requireAuth() && store.inMemory()) {
            throw ConfigException.invalid(sec.pathOf("require-auth"), true,
                    "false while store.dir is none: the device registry lives in the store");
        }
        // Refused here rather than by run: check-config must catch whatever run would refuse.
        if (dtls.enabled() && dtls.pskSuites() && store.inMemory()) {
            throw ConfigException.invalid("dtls.psk-suites", true, "false while store.dir is none: PSKs come from"
                    + " the device registry, which lives in the store (certificate suites only)");
        }

        var gpio = GpioKeys.read(root.section("gpio", GpioKeys.KEYS));

        return new GatewayConfig(gateway, udp, dtls, upstream, topics, advertise, limits, retry, keepAliveFactor, logging,
                store, security, serial, gpio,
                http(root.section("http", HTTP_KEYS), d.http()));
    }

    private static GatewayConfig.HttpSettings http(ConfigSection h, GatewayConfig.HttpSettings d) throws ConfigException {
        ConfigSection health = h.section("health", HTTP_HEALTH_KEYS);
        return new GatewayConfig.HttpSettings(
                h.bool("enabled", d.enabled()),
                h.ipAddress("bind", d.bind()),
                h.integer("port", d.port(), 0, 65535),
                health.duration("upstream-down-after", d.upstreamDownAfter(), Duration.ofSeconds(1), Duration.ofDays(1),
                        true, ""));
    }

    /** {@code udp.io}: auto, epoll or nio; epoll only where its native library loads, so that run does not refuse it. */
    private static DatagramIo udpIo(ConfigSection u, DatagramIo fallback) throws ConfigException {
        List<String> names = java.util.Arrays.stream(DatagramIo.values()).map(DatagramIo::configName).toList();
        DatagramIo io = DatagramIo.parse(u.choice("io", fallback.configName(), names));
        if (!io.availableHere()) {
            throw ConfigException.invalid(u.pathOf("io"), io.configName(), "auto or nio: native epoll is not "
                    + "available on this machine (Linux x86_64 and aarch64 only)");
        }
        return io;
    }

    /**
     * {@code serial:} a list of ports, each a mapping; none by default. The largest frame a port reads follows
     * {@code limits.max-payload} (a PUBLISH's header and a forwarder's encapsulation on top of it): longer lengths are
     * impossible and make the reader resynchronise.
     */
    private static List<SerialOptions> serial(ConfigSection root, int maxPayload) throws ConfigException {
        Object raw = root.raw("serial");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> ports)) {
            throw ConfigException.invalid("serial", raw, "a list of serial ports, each a mapping with the keys "
                    + String.join(", ", SERIAL_KEYS));
        }
        List<SerialOptions> out = new java.util.ArrayList<>();
        Map<String, String> pathByDevice = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            ConfigSection s = ConfigSection.element("serial[" + i + "]", ports.get(i), SERIAL_KEYS);
            if (!s.has("device")) {
                throw new ConfigException(s.pathOf("device"), "is missing: expected the device path of the port, "
                        + "such as /dev/ttyUSB0 or /dev/serial/by-id/...");
            }
            String device = s.string("device", null, false);
            if (!device.startsWith("/")) {
                throw ConfigException.invalid(s.pathOf("device"), device,
                        "an absolute device path such as /dev/ttyUSB0 or /dev/serial/by-id/...");
            }
            String other = pathByDevice.putIfAbsent(device, s.path());
            if (other != null) {
                throw ConfigException.invalid(s.pathOf("device"), device, "a device not already given in " + other);
            }
            int baud = s.integer("baud", 9600, 50, 4_000_000);
            Framing framing = Framing.of(s.choice("framing", "raw", Framing.NAMES));
            var flow = s.choice("flow-control", "none", List.of("none", "rts-cts")).equals("none")
                    ? SerialPortSettings.FlowControl.NONE : SerialPortSettings.FlowControl.RTS_CTS;
            int dataBits = s.integer("data-bits", 8, 5, 8);
            var parity = SerialPortSettings.Parity.valueOf(
                    s.choice("parity", "none", List.of("none", "odd", "even")).toUpperCase(Locale.ROOT));
            int stopBits = s.integer("stop-bits", 1, 1, 2);
            Duration interByte = s.duration("inter-byte-timeout", SerialPortSettings.DEFAULT_INTER_BYTE_TIMEOUT,
                    Duration.ofMillis(100), Duration.ofSeconds(10), false, "(counted in tenths of a second)");
            int writeQueue = s.integer("write-queue", SerialOptions.DEFAULT_WRITE_QUEUE, 1, 65536);
            int radioPayload = s.integer("radio-payload", SerialOptions.DEFAULT_RADIO_PAYLOAD, 1, 0xFFFF - 14);
            Duration reopenMin = s.duration("reopen-min", SerialPortSettings.DEFAULT_REOPEN_MIN, Duration.ofMillis(10),
                    Duration.ofHours(1), false, "");
            Duration reopenMax = s.duration("reopen-max", SerialPortSettings.DEFAULT_REOPEN_MAX, Duration.ofMillis(10),
                    Duration.ofDays(1), false, "");
            if (reopenMax.compareTo(reopenMin) < 0) {
                throw ConfigException.invalid(s.pathOf("reopen-max"), s.has("reopen-max") ? s.raw("reopen-max")
                        : Durations.format(reopenMax), "a duration at least reopen-min (" + Durations.format(reopenMin)
                        + ")");
            }
            var port = new SerialPortSettings(device, baud, dataBits, parity, stopBits, flow, interByte, reopenMin,
                    reopenMax);
            // Room for a PUBLISH's 7-byte header with the 3-byte length and a forwarder's encapsulation around it.
            int maxFrame = Math.min(0xFFFF, maxPayload + 64);
            LinkSecurity security = LinkSecurity.parse(s.choice("link-security", "optional", LINK_SECURITY));
            out.add(new SerialOptions(port, framing, maxFrame, writeQueue, radioPayload, security));
        }
        return out;
    }

    /** Kernel and device trees: nothing the gateway should create files in, or take a lock in. */
    private static final List<String> SYSTEM_TREES = List.of("/proc", "/sys", "/dev");

    /**
     * What is wrong with {@code dir} as the store's directory, or null. Checked at load, before anything is written,
     * so that check-config reports it and run refuses it without creating a directory or a lock first.
     */
    private static String storeDirProblem(String dir) {
        Path path = Path.of(dir.startsWith("~/") ? System.getProperty("user.home") + dir.substring(1) : dir);
        for (Path part : path) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                return "a '" + part + "' component (write the path it means)";
            }
        }
        Path normal = path.normalize();
        for (String tree : SYSTEM_TREES) {
            if (normal.startsWith(tree)) {
                return "a path under " + tree;
            }
        }
        Path existing = normal;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            return existing.equals(normal) ? "a file, not a directory" : existing + " is a file, not a directory";
        }
        return null;
    }

    private static GatewayConfig.StoreSettings store(ConfigSection s, GatewayConfig.StoreSettings d)
            throws ConfigException {
        String dir = s.string("dir", d.dir(), true);
        if (dir != null && !dir.equals(GatewayConfig.NO_STORE) && !dir.startsWith("/") && !dir.startsWith("~/")) {
            throw ConfigException.invalid(s.pathOf("dir"), dir,
                    "an absolute path (or ~/...), or \"none\" to keep everything in memory");
        }
        if (dir != null && !dir.equals(GatewayConfig.NO_STORE)) {
            String problem = storeDirProblem(dir);
            if (problem != null) {
                throw ConfigException.invalid(s.pathOf("dir"), dir, "a directory the gateway may own; found " + problem);
            }
        }
        String ack = s.choice("ack", d.ackAfterStore() ? "first-witness" : "after-broker",
                List.of("first-witness", "after-store", "after-broker"));
        Duration writeDelay = s.duration("write-delay", d.writeDelay(), Duration.ZERO, Duration.ofSeconds(10), false,
                "(0s writes every message at once)");
        Duration maxLag = s.duration("max-lag", d.maxLag(), Duration.ofMillis(1), Duration.ofHours(1), false, "");
        String onCorrupt = s.choice("on-corrupt", d.failOnCorrupt() ? "fail" : "move-aside",
                List.of("move-aside", "fail"));
        return new GatewayConfig.StoreSettings(dir, !ack.equals("after-broker"), onCorrupt.equals("fail"),
                s.integer("queue-max-messages", (int) Math.min(d.queueMaxMessages(), Integer.MAX_VALUE), 1, 1_000_000_000),
                s.size("queue-max-size", d.queueMaxBytes(), 1024, 1L << 40),
                s.duration("queue-max-age", d.queueMaxAge(), Duration.ZERO, Duration.ofDays(3650), true,
                        "(0s keeps messages until the broker takes them)"),
                s.integer("queue-window", d.queueWindow(), 1, 65535),
                s.integer("qos0-offline", d.qos0Offline(), 0, 1_000_000),
                ack.equals("after-store") ? Duration.ZERO : writeDelay, maxLag);
    }

    private static GatewayConfig.DtlsSettings dtls(ConfigSection s, GatewayConfig.DtlsSettings d,
                                                   GatewayConfig.UdpSettings udp) throws ConfigException {
        boolean enabled = s.bool("enabled", d.enabled());
        String bind = s.ipAddress("bind", d.bind());
        int port = s.integer("port", d.port(), 0, 65535);
        boolean psk = s.bool("psk-suites", d.pskSuites());
        Path certificate = s.readableFile("certificate");
        Path privateKey = s.readableFile("private-key");
        Path clientCa = s.readableFile("client-ca");
        if (certificate != null && privateKey == null) {
            throw new ConfigException(s.pathOf("private-key"),
                    "is missing: dtls.certificate needs the certificate's private key");
        }
        if (privateKey != null && certificate == null) {
            throw new ConfigException(s.pathOf("certificate"),
                    "is missing: dtls.private-key needs the certificate it belongs to");
        }
        if (clientCa != null && certificate == null) {
            throw new ConfigException(s.pathOf("client-ca"), "needs dtls.certificate and dtls.private-key: client "
                    + "certificates are asked for on the certificate suites only");
        }
        if (!psk && certificate == null) {
            throw ConfigException.invalid(s.pathOf("psk-suites"), false,
                    "true, or a dtls.certificate: otherwise DTLS offers no cipher suite");
        }
        Duration handshakeTimeout = s.duration("handshake-timeout", d.handshakeTimeout(), Duration.ofMillis(100),
                DtlsOptions.MAX_HANDSHAKE_TIMEOUT, false, "");
        int maxHandshakes = s.integer("max-handshakes", d.maxHandshakes(), 1, DtlsOptions.MAX_HANDSHAKES_LIMIT);
        int maxPeers = s.integer("max-peers", d.maxPeers(), 1, DtlsOptions.MAX_PEERS_LIMIT);
        Duration idleTimeout = s.duration("idle-timeout", d.idleTimeout(), Duration.ofSeconds(1),
                DtlsOptions.MAX_IDLE_TIMEOUT, false, "(long enough for the longest sleep of a sleeping sensor)");
        if (enabled && udp.enabled() && port != 0 && port == udp.port() && overlap(bind, udp.bind())) {
            throw ConfigException.invalid(s.pathOf("port"), port, "a port other than udp.port (" + udp.port()
                    + "): plain UDP listens there");
        }
        return new GatewayConfig.DtlsSettings(enabled, bind, port, psk, certificate, privateKey, clientCa,
                handshakeTimeout, maxHandshakes, maxPeers, idleTimeout);
    }

    /** Whether two bind addresses (IP literals, so no lookup happens) can take the same port's datagrams. */
    private static boolean overlap(String a, String b) {
        try {
            InetAddress x = InetAddress.getByName(a);
            InetAddress y = InetAddress.getByName(b);
            return x.equals(y) || x.isAnyLocalAddress() || y.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static String broadcast(ConfigSection u) throws ConfigException {
        if (!u.has("broadcast") || u.raw("broadcast") == null) {
            return null;
        }
        Object value = u.raw("broadcast");
        if (value instanceof String s) {
            int colon = s.lastIndexOf(':');
            if (colon > 0) {
                String host = s.substring(0, colon);
                // An IPv6 address needs its brackets, or its last group would read as the port.
                boolean bracketed = host.startsWith("[") && host.endsWith("]");
                if (bracketed) {
                    host = host.substring(1, host.length() - 1);
                }
                String port = s.substring(colon + 1);
                if (ConfigSection.isIpLiteral(host) && (bracketed == host.contains(":")) && port.matches("\\d{1,5}")
                        && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535) {
                    return s;
                }
            }
        }
        throw ConfigException.invalid(u.pathOf("broadcast"), value,
                "null or \"ADDRESS:PORT\" such as \"255.255.255.255:1884\" or \"[ff02::1]:1884\"");
    }

    private static GatewayConfig.UpstreamSettings upstream(ConfigSection s, GatewayConfig.UpstreamSettings d,
                                                           int gatewayId) throws ConfigException {
        CloudPreset preset = CloudConfig.preset(s);
        String url = d.url();
        if (s.has("url")) {
            if (!(s.raw("url") instanceof String given)) {
                throw ConfigException.invalid(s.pathOf("url"), s.raw("url"), BrokerUrl.EXPECTED);
            }
            url = given;
        }
        BrokerUrl broker = null;
        if (!GatewayConfig.EMBEDDED.equals(url)) {
            try {
                broker = BrokerUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(s.pathOf("url"), BrokerUrl.redacted(url),
                        BrokerUrl.EXPECTED + "; found " + e.getMessage());
            }
        }
        CloudConfig.checkUrl(s, preset, url, broker);
        // The default client id follows gateway.id, so that two gateways on one broker do not take over each
        // other's connection.
        String clientId = s.string("client-id", "sngw-" + gatewayId, false);
        String idProblem = ClientIds.problem(clientId, ClientIds.MAX_UPSTREAM_ID_BYTES);
        if (idProblem != null) {
            throw ConfigException.invalid(s.pathOf("client-id"), clientId,
                    ClientIds.expected(ClientIds.MAX_UPSTREAM_ID_BYTES) + "; found " + idProblem);
        }
        String presetUsername = preset == null || broker == null ? null : preset.username(broker.host(), clientId);
        String username = s.string("username", presetUsername != null ? presetUsername : d.username(), true);
        String password = s.secret("password", d.password());
        String filePassword = CloudConfig.passwordFromFile(s);
        if (filePassword != null) {
            password = filePassword;
        }
        if (password != null && username == null) {
            throw new ConfigException(s.pathOf("password"),
                    "is given without upstream.username: expected both (MQTT 3.1.1 sends a password only with a user name)");
        }
        Duration keepAlive = s.duration("keep-alive", d.keepAlive(), Duration.ofSeconds(1), Duration.ofSeconds(65535),
                true, "");
        GatewayConfig.TlsSettings tls = CloudConfig.tls(s, preset, broker);
        CloudConfig.checkRequirements(s, preset, username, password, tls, keepAlive);
        String statusTopic = CloudConfig.statusTopic(s, preset, gatewayId);
        Duration connectTimeout = s.duration("connect-timeout", d.connectTimeout(), ONE_MS, Duration.ofMinutes(10),
                false, "");
        Duration reconnectMin = s.duration("reconnect-min", d.reconnectMin(), ONE_MS, Duration.ofHours(1), false, "");
        Duration reconnectMax = s.duration("reconnect-max", d.reconnectMax(), ONE_MS, Duration.ofDays(1), false, "");
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw ConfigException.invalid(s.pathOf("reconnect-max"), s.has("reconnect-max")
                            ? s.raw("reconnect-max") : Durations.format(reconnectMax),
                    "a duration at least upstream.reconnect-min (" + Durations.format(reconnectMin) + ")");
        }
        int maxInflight = s.integer("max-inflight", d.maxInflight(), 1, 65535);
        String embeddedBind = s.ipAddress("embedded-bind", d.embeddedBind());
        int embeddedPort = s.integer("embedded-port", d.embeddedPort(), 0, 65535);
        // Absent stays null: the default depends on store.dir (GatewayConfig.upstreamCleanSession).
        Boolean cleanSession = s.has("clean-session") ? Boolean.valueOf(s.bool("clean-session", true))
                : d.cleanSession();
        UpstreamProtocolSettings protocol = UpstreamProtocolKeys.read(s, d.protocol(), url, gatewayId);
        Duration qos0MaxAge = s.duration("qos0-max-age", d.qos0MaxAge(), ONE_MS, Duration.ofHours(1), false, "");
        return new GatewayConfig.UpstreamSettings(url, clientId, username, password, keepAlive, connectTimeout,
                reconnectMin, reconnectMax, maxInflight, embeddedBind, embeddedPort, cleanSession, preset, tls,
                statusTopic, protocol, qos0MaxAge);
    }

    private static Map<Integer, String> predefinedTopics(ConfigSection root) throws ConfigException {
        String path = root.pathOf("predefined-topics");
        Object raw = root.raw("predefined-topics");
        if (raw == null) {
            return Map.of();
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw ConfigException.invalid(path, raw, "a mapping of topic id (1..65534) to topic name");
        }
        Map<Integer, String> topics = new TreeMap<>();
        Map<String, Integer> idByName = new HashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object key = e.getKey();
            String keyPath = path + "." + key;
            String expectedId = "a topic id, an integer 1..65534";
            int id;
            if (key instanceof String s && s.matches("\\d{1,10}")) {
                // Keys may be written quoted: "1": sensors/temp
                id = ConfigSection.toInt(keyPath, Long.parseLong(s), 1, 65534, expectedId);
            } else {
                id = ConfigSection.toInt(keyPath, key, 1, 65534, expectedId);
            }
            if (topics.containsKey(id)) {
                throw ConfigException.invalid(keyPath, key, "a topic id given once (" + id + " appears twice)");
            }
            Object value = e.getValue();
            if (!(value instanceof String name) || !isTopicName(name)) {
                throw ConfigException.invalid(keyPath, value,
                        "a topic name: a non-empty string without the wildcards + and #");
            }
            Integer other = idByName.putIfAbsent(name, id);
            if (other != null) {
                // Downstream, the gateway could not tell which of the two ids to deliver a message with.
                throw ConfigException.invalid(keyPath, value, "a topic name not already given to topic id " + other);
            }
            topics.put(id, name);
        }
        return topics;
    }

    private static boolean isTopicName(String name) {
        return !name.isEmpty() && name.indexOf('+') < 0 && name.indexOf('#') < 0 && name.indexOf('\0') < 0
                && name.getBytes(StandardCharsets.UTF_8).length <= 65535;
    }

    private static Level level(ConfigSection s, String key, Level fallback) throws ConfigException {
        if (!s.has(key)) {
            return fallback;
        }
        Object value = s.raw(key);
        // YAML 1.1 reads a bare off as the boolean false.
        if (Boolean.FALSE.equals(value)) {
            return Level.OFF;
        }
        if (value instanceof String name) {
            Level level = switch (name.toLowerCase(Locale.ROOT)) {
                case "off" -> Level.OFF;
                case "error", "severe" -> Level.SEVERE;
                case "warning", "warn" -> Level.WARNING;
                case "info" -> Level.INFO;
                case "debug", "fine" -> Level.FINE;
                case "trace", "finest" -> Level.FINEST;
                case "all" -> Level.ALL;
                default -> null;
            };
            if (level != null) {
                return level;
            }
        }
        throw ConfigException.invalid(s.pathOf(key), value, LEVELS_EXPECTED);
    }
}
