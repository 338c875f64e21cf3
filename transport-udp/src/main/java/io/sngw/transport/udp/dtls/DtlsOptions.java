package io.sngw.transport.udp.dtls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the DTLS 1.2 listener is set up. The credential files are read when the listener starts, not here.
 *
 * @param bindAddress        an IP literal to bind; "0.0.0.0" for every IPv4 interface, "::" for IPv4 and IPv6
 * @param port               the UDP port, 0 for an ephemeral one (tests); 8884 by convention
 * @param pskSuites          offer TLS_PSK_WITH_AES_128_CCM_8 and TLS_PSK_WITH_AES_128_GCM_SHA256, the PSK identity
 *                           being the device's client id and the key coming from the {@link PskLookup}
 * @param certificateChain   PEM file with the gateway's certificate first, then any intermediates; together with
 *                           {@code privateKey} turns on TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 and
 *                           TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256; null for none
 * @param privateKey         PEM file with the EC private key of that certificate (SEC 1 or PKCS #8, unencrypted)
 * @param clientCa           PEM file with the CA certificate(s) client certificates must chain to; when set, a
 *                           client on a certificate suite must present one (mutual authentication). Null: clients
 *                           on certificate suites stay anonymous
 * @param handshakeTimeout   a handshake not finished by then fails and frees its slot
 * @param maxHandshakes      handshakes running at once; a ClientHello (with a valid cookie) beyond is dropped
 * @param maxPeers           established DTLS sessions kept; beyond, the one idle longest is closed
 * @param idleTimeout        a session with no authenticated record from its peer for this long is closed. It must
 *                           cover the longest sleep of a sleeping sensor (see the class comment of
 *                           {@link DtlsTransport}); 24 h by default
 * @param workerThreads      threads that decrypt records of established sessions and hand them to the core
 * @param receiveBufferBytes SO_RCVBUF
 * @param sendBufferBytes    SO_SNDBUF
 */
public record DtlsOptions(String bindAddress, int port, boolean pskSuites, Path certificateChain, Path privateKey,
                          Path clientCa, Duration handshakeTimeout, int maxHandshakes, int maxPeers,
                          Duration idleTimeout, int workerThreads, int receiveBufferBytes, int sendBufferBytes) {

    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    /** The port MQTT-SN gateways use for DTLS by convention (MQTT's 8883 plus one, as 1884 is 1883 plus one). */
    public static final int DEFAULT_PORT = 8884;
    /** Room for a sensor on a lossy radio link: four flights, each possibly resent after 1, 2, 4 s. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_HANDSHAKES = 32;
    public static final int DEFAULT_MAX_PEERS = 10_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(24);
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_SEND_BUFFER_BYTES = 1024 * 1024;

    public static final Duration MAX_HANDSHAKE_TIMEOUT = Duration.ofMinutes(10);
    public static final int MAX_HANDSHAKES_LIMIT = 1024;
    public static final int MAX_PEERS_LIMIT = 1_000_000;
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofDays(30);

    public DtlsOptions {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("DTLS bind address must not be empty (use \"0.0.0.0\" or \"::\")");
        }
        bindAddress = bindAddress.strip();
        if (bindAddress.startsWith("[") && bindAddress.endsWith("]")) {
            bindAddress = bindAddress.substring(1, bindAddress.length() - 1);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("DTLS port must be 0..65535 (0 = ephemeral): " + port);
        }
        if ((certificateChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("DTLS certificate chain and private key go together: give both or neither");
        }
        if (clientCa != null && certificateChain == null) {
            throw new IllegalArgumentException("DTLS client CA needs the certificate suites: give the gateway's "
                    + "certificate chain and private key too");
        }
        if (!pskSuites && certificateChain == null) {
            throw new IllegalArgumentException("DTLS needs PSK suites or a certificate (or both); neither is on");
        }
        requireBetween("handshake timeout", handshakeTimeout, Duration.ofMillis(100), MAX_HANDSHAKE_TIMEOUT);
        if (maxHandshakes < 1 || maxHandshakes > MAX_HANDSHAKES_LIMIT) {
            throw new IllegalArgumentException("DTLS max handshakes must be 1.." + MAX_HANDSHAKES_LIMIT + ": "
                    + maxHandshakes);
        }
        if (maxPeers < 1 || maxPeers > MAX_PEERS_LIMIT) {
            throw new IllegalArgumentException("DTLS max peers must be 1.." + MAX_PEERS_LIMIT + ": " + maxPeers);
        }
        requireBetween("idle timeout", idleTimeout, Duration.ofMillis(10), MAX_IDLE_TIMEOUT);
        if (workerThreads < 1 || workerThreads > 64) {
            throw new IllegalArgumentException("DTLS worker threads must be 1..64: " + workerThreads);
        }
        if (receiveBufferBytes <= 0 || sendBufferBytes <= 0) {
            throw new IllegalArgumentException("DTLS socket buffers must be positive, in bytes: receive "
                    + receiveBufferBytes + ", send " + sendBufferBytes);
        }
    }

    private static void requireBetween(String what, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException("DTLS " + what + " must be " + min + ".." + max + ": " + value);
        }
    }

    /** 0.0.0.0:8884, PSK suites only, the default limits. */
    public static DtlsOptions defaults() {
        return new DtlsOptions(DEFAULT_BIND_ADDRESS, DEFAULT_PORT, true, null, null, null, DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_MAX_HANDSHAKES, DEFAULT_MAX_PEERS, DEFAULT_IDLE_TIMEOUT, defaultWorkerThreads(),
                DEFAULT_RECEIVE_BUFFER_BYTES, DEFAULT_SEND_BUFFER_BYTES);
    }

    /** Loopback on an ephemeral port with 1 MiB buffers: what tests want. */
    public static DtlsOptions loopbackEphemeral() {
        return defaults().withBindAddress("127.0.0.1").withPort(0).withBuffers(1 << 20, 1 << 20);
    }

    /** One per core, at most 4: decrypting a sensor's record takes microseconds, the core does the real work. */
    public static int defaultWorkerThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public DtlsOptions withBindAddress(String v) {
        return new DtlsOptions(v, port, pskSuites, certificateChain, privateKey, clientCa, handshakeTimeout,
                maxHandshakes, maxPeers, idleTimeout, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withPort(int v) {
        return new DtlsOptions(bindAddress, v, pskSuites, certificateChain, privateKey, clientCa, handshakeTimeout,
                maxHandshakes, maxPeers, idleTimeout, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withPskSuites(boolean v) {
        return new DtlsOptions(bindAddress, port, v, certificateChain, privateKey, clientCa, handshakeTimeout,
                maxHandshakes, maxPeers, idleTimeout, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    /** The gateway's certificate chain and key (both, or both null), and the client CA (null: none). */
    public DtlsOptions withCertificates(Path chain, Path key, Path ca) {
        return new DtlsOptions(bindAddress, port, pskSuites, chain, key, ca, handshakeTimeout, maxHandshakes, maxPeers,
                idleTimeout, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withHandshakeTimeout(Duration v) {
        return new DtlsOptions(bindAddress, port, pskSuites, certificateChain, privateKey, clientCa, v, maxHandshakes,
                maxPeers, idleTimeout, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withMaxHandshakes(int v) {
        return new DtlsOptions(bindAddress, port, pskSuites, certificateChain, privateKey, clientCa, handshakeTimeout,
                v, maxPeers, idleTimeout, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withMaxPeers(int v) {
        return new DtlsOptions(bindAddress, port, pskSuites, certificateChain, privateKey, clientCa, handshakeTimeout,
                maxHandshakes, v, idleTimeout, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withIdleTimeout(Duration v) {
        return new DtlsOptions(bindAddress, port, pskSuites, certificateChain, privateKey, clientCa, handshakeTimeout,
                maxHandshakes, maxPeers, v, workerThreads, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withWorkerThreads(int v) {
        return new DtlsOptions(bindAddress, port, pskSuites, certificateChain, privateKey, clientCa, handshakeTimeout,
                maxHandshakes, maxPeers, idleTimeout, v, receiveBufferBytes, sendBufferBytes);
    }

    public DtlsOptions withBuffers(int receive, int send) {
        return new DtlsOptions(bindAddress, port, pskSuites, certificateChain, privateKey, clientCa, handshakeTimeout,
                maxHandshakes, maxPeers, idleTimeout, workerThreads, receive, send);
    }

    /** The address to bind, resolved (a literal resolves without DNS). */
    public InetSocketAddress bindSocketAddress() {
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("DTLS bind address cannot be resolved: '" + bindAddress + "'");
        }
        return address;
    }
}
