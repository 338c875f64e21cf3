package io.sngw.deploy;

import io.sngw.bridge.mqtt.BridgeOptions;
import io.sngw.broker.embedded.EmbeddedBroker;
import io.sngw.core.Gateway;
import io.sngw.core.SessionView;
import io.sngw.core.GatewayMetrics;
import io.sngw.core.linksec.LinkSecurity;
import io.sngw.core.linksec.PairingWindows;
import io.sngw.core.linksec.RadioKeyring;
import io.sngw.core.linksec.SecuredLink;
import io.sngw.core.security.AccessPolicy;
import io.sngw.core.store.NoStore;
import io.sngw.core.store.Store;
import io.sngw.core.store.StoreAndForwardUpstream;
import io.sngw.core.store.StoredState;
import io.sngw.core.upstream.FreshQos0Upstream;
import io.sngw.core.upstream.Upstream;
import io.sngw.deploy.gpio.Gpio;
import io.sngw.deploy.http.GatewayState;
import io.sngw.deploy.http.StatusServer;
import io.sngw.deploy.http.UpstreamWatch;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.store.sqlite.StoreLock;
import io.sngw.store.sqlite.StoreOptions;
import io.sngw.core.security.DeviceRegistry;
import io.sngw.transport.serial.SerialLink;
import io.sngw.transport.serial.SerialOptions;
import io.sngw.transport.udp.UdpOptions;
import io.sngw.transport.udp.UdpTransport;
import io.sngw.transport.udp.dtls.DtlsOptions;
import io.sngw.transport.udp.dtls.DtlsStats;
import io.sngw.transport.udp.dtls.DtlsTransport;
import io.sngw.transport.udp.dtls.PskLookup;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The whole gateway wired from a {@link GatewayConfig}, and the only place it is wired: {@code sngw run}, the
 * integration tests (their fixture builds a configuration with ephemeral ports and asks this class) and the load
 * generator's test all run this assembly: the embedded broker (when {@code upstream.url} is
 * {@code embedded}), the durable store, the MQTT bridge (behind the store-and-forward queue with
 * {@code store.ack: after-store}), the core and the links (plain UDP and/or DTLS, and any serial ports).
 *
 * <p>Started from the inside out, so that nothing receives work before what it hands the work to exists: the store
 * directory's lock ({@link StoreLock}: one gateway per store) → broker → store → listeners attached → sessions
 * restored → listeners started → bridge (started by {@link Gateway#start}) and ADVERTISE. Closed from the outside in:
 * the listeners first, so that no sensor traffic arrives at a closing core, then the gateway (and with it the
 * upstream), the bridge, the store, its lock, the broker.
 *
 * <p>The device registry (DTLS PSKs, {@code security.require-auth}) is the store's, unless one is given to the
 * constructor: an enabled device with a PSK, its client id being the PSK identity.
 */
public final class GatewayApp implements AutoCloseable, GatewayState {

    private static final System.Logger LOG = System.getLogger(GatewayApp.class.getName());

    private final GatewayConfig config;
    private final DeviceRegistry devices;
    private final CountDownLatch closed = new CountDownLatch(1);

    // guarded by this
    private boolean started;
    private boolean closing;
    private EmbeddedBroker broker;
    private StoreLock storeLock;
    private Store store;
    private BridgeAssembly.Bridge bridge;
    private StoreAndForwardUpstream outbound;
    private Gateway gateway;
    private UdpTransport udp;
    private DtlsTransport dtls;
    private final List<SerialLink> serialLinks = new ArrayList<>();
    private InetSocketAddress udpAddress;
    private InetSocketAddress dtlsAddress;
    private String upstreamUrl;
    private RadioSecurity radio;
    private Gpio gpio = Gpio.NONE;
    private UpstreamWatch upstreamWatch;
    private Path storeDir;
    /** The operator's endpoint; null when http.enabled is false or its address could not be bound. */
    private StatusServer http;
    private DeviceRegistry registry;

    /** A gateway without a device registry: DTLS, if enabled, can only use certificate suites. */
    public GatewayApp(GatewayConfig config) {
        this(config, null);
    }

    /** @param devices where DTLS PSK suites find keys; null when there is no registry */
    public GatewayApp(GatewayConfig config, DeviceRegistry devices) {
        this.config = config;
        this.devices = devices;
    }

    /**
     * Starts everything and returns the plain UDP address the gateway listens on (the real port when udp.port is 0;
     * null when plain UDP is off). On failure whatever was started is closed again before the exception propagates.
     *
     * @throws IOException      when the embedded broker cannot listen
     * @throws RuntimeException when a port cannot be bound ({@code UdpBindException}), a DTLS credential file is
     *                          unusable, PSK suites are on without a device registry, or a part refuses its options
     */
    public synchronized InetSocketAddress start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            // First: a second gateway on this store must fail on the lock, not on a port the first one holds.
            Optional<StoreLocation> location = StoreLocation.of(config.store());
            if (location.isPresent()) {
                storeLock = StoreLock.acquire(location.get().dir());
                storeDir = location.get().dir().toAbsolutePath();
            }
            gpio = Gpio.open(config.gpio()); // pulses the radio reset line before the serial links open
            BridgeOptions bridgeOptions;
            GatewayConfig.UpstreamSettings up = config.upstream();
            if (up.embedded()) {
                broker = new EmbeddedBroker(up.embeddedBind(), up.embeddedPort());
                int port = broker.start();
                bridgeOptions = BridgeAssembly.options(config, broker.connectHost(), port, false);
                upstreamUrl = broker.url();
            } else {
                BrokerUrl url = BrokerUrl.parse(up.url());
                bridgeOptions = BridgeAssembly.options(config, url.host(), url.port(), url.tls());
                upstreamUrl = url.toString();
            }
            store = openStore(config.store(), location);
            StoredState stored = store.load();
            bridge = BridgeAssembly.of(config, bridgeOptions);
            // Inside the queue: QoS 0 kept while the broker was away is stamped when it is finally handed over.
            Upstream upstream = new FreshQos0Upstream(bridge.upstream(), config.upstream().qos0MaxAge());
            if (store instanceof SqliteStore && config.store().ackAfterStore()) {
                outbound = new StoreAndForwardUpstream(upstream, store, config.store().outboundOptions(), stored.outbound());
                upstream = outbound;
            }
            registry = devices != null ? devices : store instanceof SqliteStore sqlite ? sqlite : null;
            GatewayConfig.DtlsSettings ds = config.dtls();
            if (ds.enabled() && ds.pskSuites() && registry == null) {
                throw new IllegalStateException("dtls.psk-suites is on, but this gateway has no device registry to "
                        + "find PSKs in (store.dir is none); set dtls.psk-suites: false (certificate suites only)");
            }
            upstreamWatch = new UpstreamWatch(upstream, Clock.systemUTC()); // health and metrics see each (re)connection
            upstream = upstreamWatch;
            radio = RadioSecurity.of(store, registry, config.security().pairingWithoutInstallCode());
            AccessPolicy access = new AccessPolicy(registry, registry != null && config.security().requireAuth(),
                    radio::hasKey);
            gateway = new Gateway(config.toGatewayOptions(), upstream, store, access);
            GatewayConfig.UdpSettings u = config.udp();
            if (u.enabled()) {
                SecuredLink secured = u.linkSecurity() == LinkSecurity.NONE ? null
                        : radio.secure(u.linkSecurity(), true, gateway);
                udp = new UdpTransport(UdpOptions.defaults().withBindAddress(u.bind()).withPort(u.port())
                        .withBroadcastAddress(u.broadcast()).withIo(u.io()), secured != null ? secured : gateway);
                // before restoring: restored sessions find their link by name
                gateway.attach(secured != null ? secured.bind(udp) : udp);
            }
            if (ds.enabled()) {
                dtls = new DtlsTransport(dtlsOptions(ds), ds.pskSuites() ? PskLookup.of(registry) : null, gateway);
                gateway.attach(dtls);
            }
            for (SerialOptions port : config.serial()) {
                SecuredLink secured = port.security() == LinkSecurity.NONE ? null
                        : radio.secure(port.security(), false, gateway);
                SerialLink link = new SerialLink(port, secured != null ? secured : gateway);
                serialLinks.add(link);
                // before restoring, as for UDP: its sessions find the link by name
                gateway.attach(secured != null ? secured.bind(link) : link);
            }
            if (registry != null) {
                followDeviceChanges(registry, gateway, dtls);
            }
            gateway.restore(stored); // before the listeners deliver anything, so restored sensors are not told to reconnect
            if (udp != null) {
                udp.start();
                udpAddress = udp.localAddress();
            }
            if (dtls != null) {
                dtls.start();
                dtlsAddress = dtls.localAddress();
            }
            serialLinks.forEach(SerialLink::start); // a port missing now is reopened when it appears
            gateway.start();
            gpio.watch(GpioSignals.of(this, config));
            http = startHttp(config.http(), this);
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
        if (!config.advertise().interval().isZero() && config.udp().broadcast() == null && serialLinks.isEmpty()) {
            LOG.log(Level.WARNING, "advertise.interval is " + Durations.format(config.advertise().interval())
                    + " but udp.broadcast is not set: no ADVERTISE will be sent");
        }
        LOG.log(Level.INFO, StartupLine.of(config, upstreamUrl, broker != null, udpAddress, dtlsAddress, serialLinks));
        return udpAddress;
    }

    /**
     * Makes changes of the device registry (the CLI's {@code sngw devices}, or in-process) reach what runs: the core
     * revokes or re-grants the sessions concerned, and only then does the DTLS listener close the sessions whose key
     * was changed or revoked, so that a revoked client's DISCONNECT still goes out through its DTLS session.
     *
     * @param dtls null without a DTLS listener
     */
    public static void followDeviceChanges(DeviceRegistry registry, Gateway gateway, DtlsTransport dtls) {
        registry.onChange(clientIds -> {
            gateway.devicesChanged(clientIds).join();
            if (dtls != null) {
                clientIds.forEach(dtls::dropPeersWithRevokedKey);
            }
        });
    }

    /**
     * The operator's endpoint, when enabled. An address that cannot be bound is logged and the gateway runs without
     * it: metrics and a status page are not worth a sensor network down.
     */
    private static StatusServer startHttp(GatewayConfig.HttpSettings settings, GatewayState state) {
        if (!settings.enabled()) {
            return null;
        }
        try {
            return StatusServer.start(settings.bind(), settings.port(), settings.upstreamDownAfter(), state);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "HTTP endpoint not started: cannot listen on " + settings.bind() + ":"
                    + settings.port() + " (" + e.getMessage() + "); set http.port, or http.enabled: false");
            return null;
        }
    }

    /** The configured store, or none; the default directory falls back to the user's when it cannot be written. */
    private static Store openStore(GatewayConfig.StoreSettings settings, Optional<StoreLocation> location) {
        if (location.isEmpty()) {
            LOG.log(Level.WARNING, "store.dir is none: sessions and queued messages live in memory only and are "
                    + "lost on restart; sensors are acknowledged only after the broker's PUBACK");
            return NoStore.INSTANCE;
        }
        if (location.get().fellBack()) {
            LOG.log(Level.WARNING, location.get().unwritableDefault() + " cannot be written (not running as the"
                    + " service?): using " + location.get().dir() + "; set store.dir to choose");
        }
        StoreOptions options = StoreOptions.defaults().withOnCorrupt(
                settings.failOnCorrupt() ? StoreOptions.OnCorrupt.FAIL : StoreOptions.OnCorrupt.MOVE_ASIDE);
        return SqliteStore.open(location.get().dir(), options);
    }

    private static DtlsOptions dtlsOptions(GatewayConfig.DtlsSettings ds) {
        return DtlsOptions.defaults().withBindAddress(ds.bind()).withPort(ds.port())
                .withCertificates(ds.certificate(), ds.privateKey(), ds.clientCa()).withPskSuites(ds.pskSuites())
                .withHandshakeTimeout(ds.handshakeTimeout()).withMaxHandshakes(ds.maxHandshakes())
                .withMaxPeers(ds.maxPeers()).withIdleTimeout(ds.idleTimeout());
    }

    /** The operator's HTTP endpoint's address; null when it is off, not started or could not listen. */
    public synchronized InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    // ---------------------------------------------------------------- GatewayState: what the HTTP endpoint reads

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public synchronized UpstreamWatch upstream() {
        return upstreamWatch;
    }

    @Override
    public CompletableFuture<List<SessionView>> sessions(int limit) {
        Gateway g;
        synchronized (this) {
            g = gateway;
        }
        return g == null ? CompletableFuture.completedFuture(List.of()) : g.sessions(limit);
    }

    @Override
    public CompletableFuture<Map<SessionView.Status, Map<String, Long>>> sessionCounts() {
        Gateway g;
        synchronized (this) {
            g = gateway;
        }
        return g == null ? CompletableFuture.completedFuture(Map.of()) : g.sessionCounts();
    }

    @Override
    public synchronized List<LinkView> links() {
        List<LinkView> out = new ArrayList<>();
        if (udpAddress != null) {
            out.add(new LinkView("udp", StartupLine.hostPort(udpAddress), "listening"));
        }
        if (dtlsAddress != null) {
            out.add(new LinkView("dtls", StartupLine.hostPort(dtlsAddress), "listening"));
        }
        serialLinks.forEach(l -> out.add(new LinkView("serial", l.options().port().device(),
                l.isOpen() ? "open" : "closed")));
        return out;
    }

    @Override
    public synchronized long queueDepth() {
        return outbound == null ? 0 : outbound.queued();
    }

    @Override
    public CompletableFuture<OptionalLong> oldestQueuedAtMillis() {
        StoreAndForwardUpstream queue;
        synchronized (this) {
            queue = outbound;
        }
        return queue == null ? CompletableFuture.completedFuture(OptionalLong.empty()) : queue.oldestEnqueuedAtMillis();
    }

    @Override
    public synchronized Path storeDir() {
        return storeDir;
    }

    @Override
    public synchronized long storeWriteFailures() {
        return store instanceof SqliteStore sqlite ? sqlite.writeFailures() : 0;
    }

    /** The plain UDP address listened on; null before a successful start and when plain UDP is off. */
    public synchronized InetSocketAddress udpAddress() {
        return udpAddress;
    }

    /** The DTLS address listened on; null before a successful start and when DTLS is off. */
    public synchronized InetSocketAddress dtlsAddress() {
        return dtlsAddress;
    }

    /** The DTLS listener's counters; null when DTLS is off or not started. */
    @Override
    public synchronized DtlsStats dtlsStats() {
        return dtls == null ? null : dtls.stats();
    }

    /** Whether the bridge is connected to the broker now. */
    public synchronized boolean brokerConnected() {
        return bridge != null && bridge.upstream().isConnected();
    }

    /** The serial links, one per configured port, in configuration order; empty before start. */
    public synchronized List<SerialLink> serialLinks() {
        return List.copyOf(serialLinks);
    }

    /**
     * Every counter of the running gateway by key ({@link GatewayCounters}: the core's, the outbound queue's, the
     * bridge's, the store's, each serial port's, the radio link security's, the UDP link's). Empty before start.
     */
    @Override
    public synchronized Map<String, Long> counters() {
        return GatewayCounters.collect(gateway, outbound, bridge, store, serialLinks, radio, udp);
    }

    /**
     * Where pairing windows are opened while the gateway runs (the pairing button, {@code POST /api/pair} from
     * {@code sngw pair}); null before start.
     */
    @Override
    public synchronized PairingWindows pairingWindows() {
        return radio == null ? null : radio.windows();
    }

    /** The appliance's GPIO (LEDs, pairing button, radio reset); {@link Gpio#NONE} without. */
    public synchronized Gpio gpio() {
        return gpio;
    }

    /** The radio keyring; null before start. */
    public synchronized RadioKeyring radioKeys() {
        return radio == null ? null : radio.keyring();
    }

    /** The store: SQLite, or {@code NoStore} with store.dir none; null before start. For tests of what is kept. */
    public synchronized Store store() {
        return store;
    }

    /** Where devices are found: the registry given to the constructor, else the SQLite store's; null without one. */
    public synchronized DeviceRegistry devices() {
        return registry;
    }

    /** The durable outbound queue in front of the broker (a store, store.ack after-store); null otherwise. */
    public synchronized StoreAndForwardUpstream outbound() {
        return outbound;
    }

    /** The plain UDP listener (its flood steering and kernel drops, for tests); null when off or before start. */
    public synchronized UdpTransport udpTransport() {
        return udp;
    }

    /** The core's counters; null before start. */
    public synchronized GatewayMetrics coreMetrics() {
        return gateway == null ? null : gateway.metrics();
    }

    /** Sessions the core holds now, connected, asleep or lost; 0 before start. */
    public synchronized int sessionsHeld() {
        return gateway == null ? 0 : gateway.sessionCount();
    }

    /** The broker the bridge connects to, e.g. tcp://127.0.0.1:1883 for the embedded one; null before start. */
    @Override
    public synchronized String upstreamUrl() {
        return upstreamUrl;
    }

    /** The embedded broker's port, or 0 when the upstream is an external broker or not started. */
    public synchronized int embeddedBrokerPort() {
        return broker == null ? 0 : broker.port();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Waits at most {@code timeout} for {@link #close()}; true when it has finished. */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    /**
     * Stops the listeners, the gateway, the bridge and the embedded broker, in that order; idempotent, and safe from a
     * shutdown hook. A part that fails to close is logged and the others are still closed.
     */
    @Override
    public void close() {
        List<Runnable> steps = new ArrayList<>();
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            boolean wasRunning = udpAddress != null || dtlsAddress != null || !serialLinks.isEmpty();
            steps.add(gpio::close); // first: its thread reads the parts closed below
            if (http != null) {
                StatusServer h = http;
                steps.add(h::close); // first: nothing asks the parts below for their state while they close
            }
            for (SerialLink link : serialLinks) {
                steps.add(link::close);
            }
            if (udp != null) {
                UdpTransport u = udp;
                steps.add(() -> u.close());
            }
            if (dtls != null) {
                DtlsTransport d = dtls;
                steps.add(() -> d.close());
            }
            if (gateway != null) {
                Gateway g = gateway;
                steps.add(() -> g.close());
            }
            if (bridge != null) {
                Upstream b = bridge.upstream();
                steps.add(() -> b.close());
            }
            if (radio != null) {
                RadioSecurity r = radio;
                steps.add(r::close);
            }
            if (store != null) {
                Store st = store;
                steps.add(() -> st.close());
            }
            if (storeLock != null) {
                StoreLock lock = storeLock;
                steps.add(() -> lock.close());
            }
            if (broker != null) {
                EmbeddedBroker eb = broker;
                steps.add(() -> eb.close());
            }
            if (wasRunning) {
                // The disk's and the queue's share of the run, for operators and benchmarks (writes per message).
                steps.add(() -> LOG.log(Level.INFO, "sngw stopped; outbound and store counters: " + counters().entrySet()
                        .stream().filter(e -> e.getKey().startsWith("outbound.") || e.getKey().startsWith("store.")
                                || e.getKey().startsWith("upstream.") || e.getKey().startsWith("publish"))
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))));
            }
        }
        try {
            for (Runnable step : steps) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "error while stopping: " + e, e);
                }
            }
        } finally {
            closed.countDown();
        }
    }
}
