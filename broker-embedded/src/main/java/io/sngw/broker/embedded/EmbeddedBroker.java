package io.sngw.broker.embedded;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.lang.System.Logger.Level;
import java.util.Properties;

/**
 * An MQTT 3.1.1 broker inside the gateway's JVM (Moquette 0.17), for the zero-configuration default: anonymous,
 * in memory only, plain TCP, no websocket, no telemetry.
 *
 * <p>Known limits of Moquette 0.17, all independent of the Netty version:
 * <ul>
 *   <li>a retained message sent to a new subscriber at QoS 1 or 2 arrives with RETAIN=0 (MQTT-3.3.1-8 asks for 1);
 *       at QoS 0 the flag is right;</li>
 *   <li>a retained PUBLISH at QoS 0 clears the retained message but is not kept itself (the spec allows that);</li>
 *   <li>{@code getPort()} is filled in asynchronously after the bind, hence the wait in {@link #start()}.</li>
 * </ul>
 *
 * <p>One Moquette bug is patched in this module, by a corrected copy of {@code io.moquette.broker.Session}: an
 * acknowledgement arriving after a client's DISCONNECT released an in-flight message a second time and stopped one of
 * Moquette's session event loops for good (README, "The embedded broker").
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedBroker.class.getName());

    /**
     * Largest MQTT packet accepted. Moquette's default (8092 bytes) would drop the connection on any MQTT-SN message
     * with more than ~8 KB of payload; an MQTT-SN message is at most 64 KiB plus its topic name.
     */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;

    // A strong reference: JUL keeps loggers weakly, and a collected logger forgets the level set on it.
    private static final java.util.logging.Logger MOQUETTE_LOG = java.util.logging.Logger.getLogger("io.moquette");

    static {
        // Moquette logs every MQTT packet at INFO. Quiet unless someone (logging.broker-level) already chose.
        if (MOQUETTE_LOG.getLevel() == null) {
            MOQUETTE_LOG.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private final String bind;
    private final int requestedPort;
    private Server server;
    private int port;

    /** @param bind IP address to listen on @param port TCP port, 0 for a free one */
    public EmbeddedBroker(String bind, int port) {
        this.bind = bind;
        this.requestedPort = port;
    }

    /** Sets the level of Moquette's own loggers. */
    public static void setLogLevel(java.util.logging.Level level) {
        MOQUETTE_LOG.setLevel(level);
    }

    /**
     * Binds and starts the broker; returns the port it listens on.
     *
     * @throws IOException when the port cannot be bound (typically another broker already on 1883)
     */
    public synchronized int start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        // Port 0 (tests): Moquette reports the port it bound only now and then, so pick a free one up front.
        int listenPort = requestedPort != 0 ? requestedPort : freePort();
        Properties p = new Properties();
        p.setProperty("host", bind);
        p.setProperty("port", Integer.toString(listenPort));
        p.setProperty("allow_anonymous", "true");
        // MQTT 3.1.1 (MQTT-3.1.3-6) lets a client with a clean session send an empty client id and have the broker
        // assign one: mosquitto_sub does, and the README's quick start types it.
        p.setProperty("allow_zero_byte_client_id", "true");
        p.setProperty("persistence_enabled", "false");
        // Telemetry is on by default in Moquette 0.17: it posts the host's public IP to a collector and writes a
        // .moquette_uuid file into the working directory. Neither belongs on an appliance.
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("websocket_port", "disabled");
        p.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
        probeFree(listenPort);
        EmbeddedBrokerLogFilter.install(); // one line, not hundreds of stack traces, when a client leaves mid-stream
        Server s = new Server();
        try {
            s.startServer(new MemoryConfig(p));
        } catch (RuntimeException | IOException e) {
            // Moquette has already started its session threads and scheduler when the bind fails; stopping
            // releases them, or the JVM would never exit.
            try {
                s.stopServer();
            } catch (RuntimeException ignored) {
                // best effort: the start failure is what matters
            }
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IOException("embedded MQTT broker cannot listen on " + hostPort(bind, listenPort) + ": "
                    + root.getMessage() + " (is another broker running there? then set upstream.url to it)", e);
        }
        server = s;
        port = listenPort;
        LOG.log(Level.DEBUG, "embedded MQTT broker listening on {0}", hostPort(bind, port));
        return port;
    }

    /**
     * Fails with a one-line reason when the port is taken. Moquette would fail too, but only after logging a stack
     * trace at SEVERE; a port already in use (a Mosquitto installed on the Pi, say) is an operator's mistake, not a
     * crash. Binds the way Moquette does (SO_REUSEADDR), so a port in TIME_WAIT is not reported as taken.
     */
    private void probeFree(int listenPort) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(bind, listenPort));
        } catch (IOException e) {
            throw new IOException("embedded MQTT broker cannot listen on " + hostPort(bind, listenPort) + ": "
                    + e.getMessage() + " (is another broker running there? then set upstream.url to it)", e);
        }
    }

    private int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(bind, 0));
            return probe.getLocalPort();
        }
    }

    /** The port it listens on; 0 before {@link #start()}. */
    public synchronized int port() {
        return port;
    }

    /** The host a client on this machine connects to; a wildcard bind is reached over loopback. */
    public String connectHost() {
        return switch (bind) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> bind;
        };
    }

    /** The URL a client on this machine connects with, e.g. tcp://127.0.0.1:1883. */
    public synchronized String url() {
        return "tcp://" + hostPort(connectHost(), port);
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Stops the broker and its threads; idempotent. Connected clients see their connection close. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }
}
