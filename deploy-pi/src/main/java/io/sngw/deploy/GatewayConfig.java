package io.sngw.deploy;

import io.sngw.bridge.mqtt.BridgeOptions;
import io.sngw.bridge.mqtt.CloudPreset;
import io.sngw.core.config.Budgets;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.linksec.LinkSecurity;
import io.sngw.core.store.OutboundOptions;
import io.sngw.deploy.gpio.GpioSettings;
import io.sngw.transport.serial.SerialOptions;
import io.sngw.transport.udp.DatagramIo;
import io.sngw.transport.udp.dtls.DtlsOptions;

import java.nio.file.Path;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.logging.Level;

/**
 * The gateway's configuration file, parsed and validated by {@link ConfigLoader}: one record per section of the
 * YAML file. {@link #defaults()} is what an absent or empty file means: a gateway on UDP port 1884 (DTLS off) in
 * front of the embedded broker on 127.0.0.1:1883.
 *
 * @param gateway          {@code gateway:} identity and threading
 * @param udp              {@code udp:} the MQTT-SN listener on plain UDP
 * @param dtls             {@code dtls:} the MQTT-SN listener on DTLS 1.2
 * @param upstream         {@code upstream:} the MQTT broker the gateway bridges to
 * @param predefinedTopics {@code predefined-topics:} topic id → topic name agreed with the sensors in advance
 * @param advertise        {@code advertise:} ADVERTISE broadcasts
 * @param limits           {@code limits:} per-gateway and per-client bounds
 * @param retry            {@code retry:} T_retry and N_retry
 * @param keepAliveFactor  {@code keep-alive-factor:} a client silent for keep-alive × this factor is lost
 * @param logging          {@code logging:} log levels
 * @param store            {@code store:} durable state and store-and-forward
 * @param security         {@code security:} authentication of devices
 * @param serial           {@code serial:} serial ports, each its own link (none by default)
 * @param gpio             {@code gpio:} the appliance's LEDs, pairing button and radio reset line (none by default)
 * @param http             {@code http:} the operator's endpoint: metrics, health, status page, the CLI's API
 */
public record GatewayConfig(
        GatewaySettings gateway,
        UdpSettings udp,
        DtlsSettings dtls,
        UpstreamSettings upstream,
        Map<Integer, String> predefinedTopics,
        AdvertiseSettings advertise,
        LimitsSettings limits,
        RetrySettings retry,
        double keepAliveFactor,
        LoggingSettings logging,
        StoreSettings store,
        SecuritySettings security,
        List<SerialOptions> serial,
        GpioSettings gpio,
        HttpSettings http) {

    /** The value of {@code upstream.url} that starts the broker inside the gateway's JVM. */
    public static final String EMBEDDED = "embedded";

    public GatewayConfig {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(udp, "udp");
        Objects.requireNonNull(dtls, "dtls");
        Objects.requireNonNull(upstream, "upstream");
        // Sorted, so that logs and the startup line list topics by id.
        predefinedTopics = predefinedTopics == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(predefinedTopics));
        Objects.requireNonNull(advertise, "advertise");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(security, "security");
        serial = serial == null ? List.of() : List.copyOf(serial);
        Objects.requireNonNull(gpio, "gpio");
        Objects.requireNonNull(http, "http");
    }

    /** {@code gateway:} @param id GwId in ADVERTISE and GWINFO (0..255) @param sessionLoops session threads, 0 = one per core */
    public record GatewaySettings(int id, int sessionLoops) {
    }

    /**
     * {@code udp:} where the plain MQTT-SN listener binds.
     *
     * @param enabled   false: no plain UDP listener (a DTLS-only gateway)
     * @param bind      IP address to bind to; 0.0.0.0 (or ::) for every interface
     * @param port      UDP port; 0 lets the system pick one (tests)
     * @param broadcast "address:port" that ADVERTISE and GWINFO broadcasts go to, or null for none
     * @param linkSecurity protected radio frames on plain UDP ({@code link-security}), none by default
     * @param io        how its sockets are read: native epoll where there is one (auto), or epoll or nio as asked
     */
    public record UdpSettings(boolean enabled, String bind, int port, String broadcast, LinkSecurity linkSecurity,
                              DatagramIo io) {
        public UdpSettings {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(linkSecurity, "linkSecurity");
            Objects.requireNonNull(io, "io");
        }

        /** No link security, read as auto picks. */
        public UdpSettings(boolean enabled, String bind, int port, String broadcast) {
            this(enabled, bind, port, broadcast, LinkSecurity.NONE, DatagramIo.AUTO);
        }

        /** An enabled listener, read as auto picks. */
        public UdpSettings(String bind, int port, String broadcast) {
            this(true, bind, port, broadcast);
        }

        public UdpSettings withLinkSecurity(LinkSecurity newLinkSecurity) {
            return new UdpSettings(enabled, bind, port, broadcast, newLinkSecurity, io);
        }
    }

    /**
     * {@code dtls:} the DTLS 1.2 listener, beside (or instead of) plain UDP.
     *
     * @param enabled          off by default
     * @param bind             IP address to bind to
     * @param port             UDP port, 8884 by default; 0 lets the system pick one (tests)
     * @param pskSuites        PSK suites with the device registry's keys (identity = client id)
     * @param certificate      PEM chain of the gateway's certificate (ECDHE-ECDSA suites), or null for none
     * @param privateKey       PEM EC private key of that certificate, or null
     * @param clientCa         PEM CA certificate(s) client certificates must chain to (then required), or null
     * @param handshakeTimeout a handshake not done by then fails
     * @param maxHandshakes    handshakes running at once
     * @param maxPeers         DTLS sessions kept; beyond, the one idle longest is closed
     * @param idleTimeout      a session silent this long is closed; must cover the longest sensor sleep
     */
    public record DtlsSettings(boolean enabled, String bind, int port, boolean pskSuites, Path certificate,
                               Path privateKey, Path clientCa, Duration handshakeTimeout, int maxHandshakes,
                               int maxPeers, Duration idleTimeout) {
        public DtlsSettings {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
        }

        /** The same settings, on (or off). */
        public DtlsSettings withEnabled(boolean on) {
            return new DtlsSettings(on, bind, port, pskSuites, certificate, privateKey, clientCa, handshakeTimeout,
                    maxHandshakes, maxPeers, idleTimeout);
        }

        /** The same settings on another address (port 0 in tests). */
        public DtlsSettings withBind(String newBind, int newPort) {
            return new DtlsSettings(enabled, newBind, newPort, pskSuites, certificate, privateKey, clientCa,
                    handshakeTimeout, maxHandshakes, maxPeers, idleTimeout);
        }

        /** The same settings with certificate suites (null paths: none) and PSK suites on or off. */
        public DtlsSettings withSuites(boolean psk, Path newCertificate, Path newPrivateKey, Path newClientCa) {
            return new DtlsSettings(enabled, bind, port, psk, newCertificate, newPrivateKey, newClientCa,
                    handshakeTimeout, maxHandshakes, maxPeers, idleTimeout);
        }
    }

    /**
     * {@code upstream:} the MQTT broker.
     *
     * @param url            {@value GatewayConfig#EMBEDDED}, or tcp://host[:port]
     * @param clientId       MQTT client id the bridge connects with
     * @param username       null for none
     * @param password       null for none; only together with a username (MQTT 3.1.1)
     * @param keepAlive      MQTT keep-alive of the bridge's connection, whole seconds
     * @param connectTimeout how long a connection attempt (TCP connect plus CONNACK) may take
     * @param reconnectMin   first wait after a lost connection; doubles up to reconnectMax
     * @param reconnectMax   longest wait between reconnection attempts
     * @param maxInflight    QoS 1/2 publishes towards the broker not yet acknowledged
     * @param embeddedBind   address the embedded broker listens on (only with url embedded)
     * @param embeddedPort   port the embedded broker listens on; 0 lets the system pick one (tests)
     * @param cleanSession   MQTT CleanSession of the bridge's connection; null: the default, a persistent session
     *                       where the store is durable (see {@link GatewayConfig#upstreamCleanSession()})
     * @param preset         the cloud platform whose conventions and limits apply, or null
     * @param tls            TLS settings; used only with a TLS url
     * @param statusTopic    topic of the gateway's retained online/offline status, gateway id filled in; null for none
     * @param protocol       MQTT 5, the mode and topic templates ({@link UpstreamProtocolSettings})
     * @param qos0MaxAge     a QoS 0 publish older than this when it would be written to the broker is dropped
     */
    public record UpstreamSettings(String url, String clientId, String username, String password, Duration keepAlive,
                                   Duration connectTimeout, Duration reconnectMin, Duration reconnectMax,
                                   int maxInflight, String embeddedBind, int embeddedPort, Boolean cleanSession,
                                   CloudPreset preset, TlsSettings tls, String statusTopic,
                                   UpstreamProtocolSettings protocol, Duration qos0MaxAge) {
        /** QoS 0 older than this when it would be written to the broker is dropped (upstream.qos0-max-age). */
        public static final Duration DEFAULT_QOS0_MAX_AGE = Duration.ofMillis(100);

        public UpstreamSettings(String url, String clientId, String username, String password, Duration keepAlive,
                                Duration connectTimeout, Duration reconnectMin, Duration reconnectMax,
                                int maxInflight, String embeddedBind, int embeddedPort, Boolean cleanSession,
                                CloudPreset preset, TlsSettings tls, String statusTopic,
                                UpstreamProtocolSettings protocol) {
            this(url, clientId, username, password, keepAlive, connectTimeout, reconnectMin, reconnectMax, maxInflight,
                    embeddedBind, embeddedPort, cleanSession, preset, tls, statusTopic, protocol,
                    DEFAULT_QOS0_MAX_AGE);
        }

        public UpstreamSettings {
            Objects.requireNonNull(qos0MaxAge, "qos0MaxAge");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(keepAlive, "keepAlive");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(reconnectMin, "reconnectMin");
            Objects.requireNonNull(reconnectMax, "reconnectMax");
            Objects.requireNonNull(embeddedBind, "embeddedBind");
            Objects.requireNonNull(tls, "tls");
            protocol = protocol == null ? UpstreamProtocolSettings.defaults() : protocol;
        }

        public boolean embedded() {
            return EMBEDDED.equals(url);
        }

        /** The same settings with another url (e.g. a test's private Mosquitto). */
        public UpstreamSettings withUrl(String newUrl) {
            return new UpstreamSettings(newUrl, clientId, username, password, keepAlive, connectTimeout, reconnectMin,
                    reconnectMax, maxInflight, embeddedBind, embeddedPort, cleanSession, preset, tls, statusTopic,
                    protocol, qos0MaxAge);
        }

        /** The same settings with the embedded broker elsewhere (port 0 in tests). */
        public UpstreamSettings withEmbedded(String bind, int port) {
            return new UpstreamSettings(url, clientId, username, password, keepAlive, connectTimeout, reconnectMin,
                    reconnectMax, maxInflight, bind, port, cleanSession, preset, tls, statusTopic, protocol,
                    qos0MaxAge);
        }

        /** The same settings with other MQTT 5, mode and template settings (tests). */
        public UpstreamSettings withProtocol(UpstreamProtocolSettings newProtocol) {
            return new UpstreamSettings(url, clientId, username, password, keepAlive, connectTimeout, reconnectMin,
                    reconnectMax, maxInflight, embeddedBind, embeddedPort, cleanSession, preset, tls, statusTopic,
                    newProtocol, qos0MaxAge);
        }

        /** The same settings with another upstream.qos0-max-age (tests on a loaded machine that are not about it). */
        public UpstreamSettings withQos0MaxAge(Duration maxAge) {
            return new UpstreamSettings(url, clientId, username, password, keepAlive, connectTimeout, reconnectMin,
                    reconnectMax, maxInflight, embeddedBind, embeddedPort, cleanSession, preset, tls, statusTopic,
                    protocol, maxAge);
        }

        /** Never prints the password. */
        @Override
        public String toString() {
            return "UpstreamSettings[url=" + url + ", clientId=" + clientId + ", username=" + username
                    + ", password=" + (password == null ? "null" : "***") + ", keepAlive=" + keepAlive
                    + ", connectTimeout=" + connectTimeout + ", reconnectMin=" + reconnectMin + ", reconnectMax="
                    + reconnectMax + ", maxInflight=" + maxInflight + ", embeddedBind=" + embeddedBind + ", embeddedPort=" + embeddedPort
                    + ", cleanSession=" + cleanSession + ", preset=" + preset + ", tls=" + tls + ", statusTopic="
                    + statusTopic + ", " + protocol + ", qos0MaxAge=" + qos0MaxAge + "]";
        }
    }

    /**
     * {@code upstream.tls:} TLS to the broker, with an ssl:// url.
     *
     * @param caFile         CA certificate(s) the broker's certificate must chain to; null: the system trust store
     * @param certFile       the gateway's client certificate (mutual TLS), or null
     * @param keyFile        its private key, or null (exactly when certFile is)
     * @param verifyHostname whether the broker's certificate must name the url's host
     * @param alpn           ALPN protocol names to offer
     */
    public record TlsSettings(Path caFile, Path certFile, Path keyFile, boolean verifyHostname, List<String> alpn) {
        public static final TlsSettings DEFAULT = new TlsSettings(null, null, null, true, List.of());

        public TlsSettings {
            alpn = List.copyOf(alpn);
        }
    }

    /**
     * {@code advertise:} @param interval period of ADVERTISE broadcasts, whole seconds; zero turns them off
     * @param gwInfoBroadcast answer SEARCHGW by broadcast as well as to the searching address
     */
    public record AdvertiseSettings(Duration interval, boolean gwInfoBroadcast) {
        public AdvertiseSettings {
            Objects.requireNonNull(interval, "interval");
        }
    }

    /**
     * {@code limits:} see {@link GatewayOptions} for what each bound does when reached, and {@link Budgets} for the
     * idle expiry and the bounds over all clients together.
     */
    public record LimitsSettings(int maxClients, int maxPayload, int maxInflight, int maxTopicsPerClient,
                                 int maxSubscriptionsPerClient, int maxBufferedPerClient, Budgets budgets) {
        public LimitsSettings {
            Objects.requireNonNull(budgets, "budgets");
        }
    }

    /** {@code retry:} @param interval T_retry @param max N_retry */
    public record RetrySettings(Duration interval, int max) {
        public RetrySettings {
            Objects.requireNonNull(interval, "interval");
        }
    }

    /** {@code logging:} @param level the gateway's own level @param brokerLevel the embedded broker's (Moquette) level */
    public record LoggingSettings(Level level, Level brokerLevel) {
        public LoggingSettings {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(brokerLevel, "brokerLevel");
        }
    }

    /**
     * {@code store:} where durable state lives and when a sensor's QoS 1/2 publish is acknowledged.
     *
     * @param dir              the data directory; null = {@value #DEFAULT_STORE_DIR}, or {@code ~/.local/share/sngw}
     *                         where that cannot be written (a gateway run by hand, not as the service); "none" keeps
     *                         everything in memory
     * @param ackAfterStore    PUBACK once the message is in the durable queue (true), or only after the broker's
     *                         PUBACK (false; PUBACK 0x01 while the broker is down)
     * @param failOnCorrupt    refuse to start on a corrupt database (true) instead of moving it aside and starting fresh
     * @param queueMaxMessages the durable queue's bound in messages
     * @param queueMaxBytes    its bound in payload bytes
     * @param queueMaxAge      queued messages older than this are dropped when their turn comes; zero = never
     * @param queueWindow      queued messages sent to the broker and not yet acknowledged, at most
     * @param qos0Offline      QoS 0 messages kept in memory while the broker is unreachable
     */
    public record StoreSettings(String dir, boolean ackAfterStore, boolean failOnCorrupt, long queueMaxMessages,
                                long queueMaxBytes, Duration queueMaxAge, int queueWindow, int qos0Offline,
                                Duration writeDelay, Duration maxLag) {
        public StoreSettings {
            Objects.requireNonNull(queueMaxAge, "queueMaxAge");
            Objects.requireNonNull(writeDelay, "writeDelay");
            Objects.requireNonNull(maxLag, "maxLag");
        }

        /** With the default write delay and maximum lag of the outbound queue. */
        public StoreSettings(String dir, boolean ackAfterStore, boolean failOnCorrupt, long queueMaxMessages,
                             long queueMaxBytes, Duration queueMaxAge, int queueWindow, int qos0Offline) {
            this(dir, ackAfterStore, failOnCorrupt, queueMaxMessages, queueMaxBytes, queueMaxAge, queueWindow,
                    qos0Offline, OutboundOptions.DEFAULT_WRITE_DELAY, OutboundOptions.DEFAULT_MAX_LAG);
        }

        public boolean inMemory() {
            return NO_STORE.equals(dir);
        }

        public StoreSettings withDir(String newDir) {
            return new StoreSettings(newDir, ackAfterStore, failOnCorrupt, queueMaxMessages, queueMaxBytes, queueMaxAge,
                    queueWindow, qos0Offline, writeDelay, maxLag);
        }

        /** The outbound queue's options. */
        public OutboundOptions outboundOptions() {
            return new OutboundOptions(queueWindow, queueMaxMessages, queueMaxBytes, queueMaxAge, qos0Offline,
                    writeDelay, maxLag);
        }
    }

    /**
     * {@code security:} @param requireAuth admit only enabled devices from the registry (CONNACK 0x03 for others),
     * under the identity a DTLS link proved, and apply their ACLs
     * @param pairingWithoutInstallCode {@code pairing.allow-without-install-code}: a pairing window opened without an
     *                                  install code pairs any radio (marked "paired without install code"); off by
     *                                  default, when such a window pairs nothing
     */
    public record SecuritySettings(boolean requireAuth, boolean pairingWithoutInstallCode) {
        public SecuritySettings(boolean requireAuth) {
            this(requireAuth, false);
        }
    }

    /**
     * {@code http:} @param enabled whether the endpoint runs @param bind its address (localhost by default: the CLI
     * and a local Prometheus; bind 0.0.0.0 to let the network in) @param port its TCP port, 0 for any free one
     * @param upstreamDownAfter {@code health.upstream-down-after}: /health answers 503 once the broker has been
     *                          unreachable this long
     */
    public record HttpSettings(boolean enabled, String bind, int port, Duration upstreamDownAfter) {
        public static final HttpSettings DEFAULT = new HttpSettings(true, "127.0.0.1", 9884, Duration.ofSeconds(60));

        /** The same, on another port (tests: 0). */
        public HttpSettings withPort(int newPort) {
            return new HttpSettings(enabled, bind, newPort, upstreamDownAfter);
        }
    }

    /** The value of {@code store.dir} that keeps everything in memory. */
    public static final String NO_STORE = "none";
    public static final String DEFAULT_STORE_DIR = "/var/lib/sngw";

    /** What an absent or empty configuration file means. */
    public static GatewayConfig defaults() {
        GatewayOptions core = GatewayOptions.defaults();
        return new GatewayConfig(
                new GatewaySettings(core.gatewayId(), core.sessionLoops()),
                new UdpSettings("0.0.0.0", 1884, null),
                new DtlsSettings(false, DtlsOptions.DEFAULT_BIND_ADDRESS, DtlsOptions.DEFAULT_PORT, true, null, null,
                        null, DtlsOptions.DEFAULT_HANDSHAKE_TIMEOUT, DtlsOptions.DEFAULT_MAX_HANDSHAKES,
                        DtlsOptions.DEFAULT_MAX_PEERS, DtlsOptions.DEFAULT_IDLE_TIMEOUT),
                new UpstreamSettings(EMBEDDED, "sngw-" + core.gatewayId(), null, null, BridgeOptions.DEFAULT_KEEP_ALIVE,
                        BridgeOptions.DEFAULT_CONNECT_TIMEOUT, BridgeOptions.DEFAULT_RECONNECT_MIN,
                        BridgeOptions.DEFAULT_RECONNECT_MAX, BridgeOptions.DEFAULT_MAX_INFLIGHT, "127.0.0.1", 1883, null,
                        null, TlsSettings.DEFAULT, "sngw/" + core.gatewayId() + "/status",
                        UpstreamProtocolSettings.defaults()),
                core.predefinedTopics(),
                new AdvertiseSettings(core.advertiseInterval(), core.broadcastGwInfo()),
                new LimitsSettings(core.maxClients(), core.maxPayload(), core.maxInflight(), core.maxTopicsPerClient(),
                        core.maxSubscriptionsPerClient(), core.maxBufferedPerClient(), core.budgets()),
                new RetrySettings(core.retryInterval(), core.maxRetries()),
                core.keepAliveFactor(),
                new LoggingSettings(Level.INFO, Level.WARNING),
                new StoreSettings(null, true, false, 1_000_000, 512L * 1024 * 1024, Duration.ofDays(7), 1000, 10_000),
                new SecuritySettings(false),
                List.of(),
                GpioSettings.OFF,
                HttpSettings.DEFAULT);
    }

    public GatewayConfig withUdp(UdpSettings newUdp) {
        return new GatewayConfig(gateway, newUdp, dtls, upstream, predefinedTopics, advertise, limits, retry,
                keepAliveFactor, logging, store, security, serial, gpio, http);
    }

    public GatewayConfig withDtls(DtlsSettings newDtls) {
        return new GatewayConfig(gateway, udp, newDtls, upstream, predefinedTopics, advertise, limits, retry,
                keepAliveFactor, logging, store, security, serial, gpio, http);
    }

    public GatewayConfig withUpstream(UpstreamSettings newUpstream) {
        return new GatewayConfig(gateway, udp, dtls, newUpstream, predefinedTopics, advertise, limits, retry,
                keepAliveFactor, logging, store, security, serial, gpio, http);
    }

    public GatewayConfig withPredefinedTopics(Map<Integer, String> topics) {
        return new GatewayConfig(gateway, udp, dtls, upstream, topics, advertise, limits, retry, keepAliveFactor,
                logging, store, security, serial, gpio, http);
    }

    public GatewayConfig withAdvertise(AdvertiseSettings newAdvertise) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, newAdvertise, limits, retry,
                keepAliveFactor, logging, store, security, serial, gpio, http);
    }

    public GatewayConfig withLimits(LimitsSettings newLimits) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, advertise, newLimits, retry,
                keepAliveFactor, logging, store, security, serial, gpio, http);
    }

    public GatewayConfig withRetry(RetrySettings newRetry) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, advertise, limits, newRetry,
                keepAliveFactor, logging, store, security, serial, gpio, http);
    }

    public GatewayConfig withStore(StoreSettings newStore) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, advertise, limits, retry, keepAliveFactor,
                logging, newStore, security, serial, gpio, http);
    }

    public GatewayConfig withSecurity(SecuritySettings newSecurity) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, advertise, limits, retry, keepAliveFactor,
                logging, store, newSecurity, serial, gpio, http);
    }

    public GatewayConfig withSerial(List<SerialOptions> newSerial) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, advertise, limits, retry, keepAliveFactor,
                logging, store, security, newSerial, gpio, http);
    }

    public GatewayConfig withGpio(GpioSettings newGpio) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, advertise, limits, retry, keepAliveFactor,
                logging, store, security, serial, newGpio, http);
    }

    public GatewayConfig withHttp(HttpSettings newHttp) {
        return new GatewayConfig(gateway, udp, dtls, upstream, predefinedTopics, advertise, limits, retry, keepAliveFactor,
                logging, store, security, serial, gpio, newHttp);
    }

    /**
     * The same configuration with the core's part taken from {@code core}, the inverse of {@link #toGatewayOptions()}:
     * for test fixtures that tune the core (T_retry, limits, the gateway id) and then ask {@link GatewayApp} for the
     * gateway, as deployed.
     */
    public GatewayConfig withCoreOptions(GatewayOptions core) {
        return new GatewayConfig(new GatewaySettings(core.gatewayId(), core.sessionLoops()), udp, dtls, upstream,
                core.predefinedTopics(), new AdvertiseSettings(core.advertiseInterval(), core.broadcastGwInfo()),
                new LimitsSettings(core.maxClients(), core.maxPayload(), core.maxInflight(), core.maxTopicsPerClient(),
                        core.maxSubscriptionsPerClient(), core.maxBufferedPerClient(), core.budgets()),
                new RetrySettings(core.retryInterval(), core.maxRetries()), core.keepAliveFactor(), logging, store,
                security, serial, gpio, http);
    }

    /**
     * {@code upstream.clean-session}, or by default a persistent bridge session where the store is durable: the broker
     * then keeps what it publishes while the gateway is down, and a gateway that forgets everything on restart has
     * nothing to gain from it.
     */
    public boolean upstreamCleanSession() {
        return upstream.cleanSession() != null ? upstream.cleanSession() : store.inMemory();
    }

    /** The core's view of this configuration. */
    public GatewayOptions toGatewayOptions() {
        return new GatewayOptions(gateway.id(), predefinedTopics, advertise.interval(), limits.maxClients(),
                limits.maxPayload(), limits.maxInflight(), limits.maxTopicsPerClient(),
                limits.maxSubscriptionsPerClient(), limits.maxBufferedPerClient(), retry.interval(), retry.max(),
                keepAliveFactor, gateway.sessionLoops(), advertise.gwInfoBroadcast(), limits.budgets(),
                store.writeDelay());
    }
}
