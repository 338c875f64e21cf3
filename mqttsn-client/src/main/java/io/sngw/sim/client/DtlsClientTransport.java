package io.sngw.sim.client;

import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClient;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * MQTT-SN inside a DTLS 1.2 session (Bouncy Castle's {@link DTLSClientProtocol}): one application data record per
 * message. The handshake runs in {@link #connect}; the session then lives until either side closes it.
 */
public final class DtlsClientTransport implements ClientTransport {
    /** The path MTU the client assumes: Ethernet. Bouncy Castle sizes its flights and largest record from it. */
    static final int MTU = 1500;
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    private final DatagramSocket socket;
    private final DTLSTransport dtls;
    private final InetSocketAddress gateway;
    private final InetSocketAddress localAddress;
    private final byte[] buffer;
    private volatile boolean closed;

    private DtlsClientTransport(DatagramSocket socket, DTLSTransport dtls, InetSocketAddress gateway)
            throws IOException {
        this.socket = socket;
        this.dtls = dtls;
        this.gateway = gateway;
        this.localAddress = (InetSocketAddress) socket.getLocalSocketAddress();
        this.buffer = new byte[dtls.getReceiveLimit()];
    }

    /**
     * Binds a socket ({@code localAddress}, or an ephemeral port when null) and runs the handshake with the gateway.
     *
     * @throws UncheckedIOException when the socket cannot be bound or the handshake fails (refused, wrong key,
     *                              untrusted gateway) or does not finish within {@code handshakeTimeout}
     */
    public static DtlsClientTransport connect(InetSocketAddress gateway, DtlsCredentials credentials,
                                              InetSocketAddress localAddress, Duration handshakeTimeout) {
        UdpClientTransport.requireResolved(gateway);
        InetSocketAddress bindTo = localAddress != null ? localAddress : UdpClientTransport.defaultLocal(gateway);
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, handshakeTimeout.toMillis()));
        DatagramSocket socket = null;
        try {
            socket = new DatagramSocket(bindTo);
            socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
            socket.connect(gateway);
            BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
            TlsClient client = new SensorTlsClient(crypto, credentials, timeoutMillis);
            DTLSTransport dtls = new DTLSClientProtocol().connect(client, new UDPTransport(socket, MTU));
            return new DtlsClientTransport(socket, dtls, gateway);
        } catch (IOException e) {
            if (socket != null) {
                socket.close();
            }
            throw new UncheckedIOException("DTLS handshake with " + gateway + " as " + credentials + " failed: " + e, e);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return gateway;
    }

    /** The largest message one record carries on this session. */
    public int maxMessageBytes() throws IOException {
        return dtls.getSendLimit();
    }

    /**
     * @throws IOException when the message does not fit one record (refused before it could fail the session), or
     *                     the session is closed
     */
    @Override
    public void send(byte[] message) throws IOException {
        int limit = dtls.getSendLimit();
        if (message.length > limit) {
            throw new IOException("a message of " + message.length + " bytes does not fit one DTLS record (at most "
                    + limit + ")");
        }
        dtls.send(message, 0, message.length);
    }

    @Override
    public byte[] receive() throws IOException {
        while (true) {
            int n;
            try {
                n = dtls.receive(buffer, 0, buffer.length, 0); // 0: wait as long as it takes
            } catch (IOException e) {
                if (closed || socket.isClosed()) {
                    // Closed here, or by the gateway's close_notify (Bouncy Castle then closes the socket).
                    ClosedChannelException c = new ClosedChannelException();
                    c.initCause(e);
                    throw c;
                }
                throw e;
            }
            if (n >= 0) {
                byte[] message = new byte[n];
                System.arraycopy(buffer, 0, message, 0, n);
                return message;
            }
        }
    }

    /** Whether the session still stands (false once either side closed it). */
    public boolean isOpen() {
        return !closed && !socket.isClosed();
    }

    @Override
    public String kind() {
        return "dtls";
    }

    @Override
    public void close() {
        closed = true;
        try {
            dtls.close(); // close_notify, then the socket
        } catch (IOException e) {
            socket.close();
        }
    }

    /**
     * The client's side of the handshake: PSK suites with a {@link DtlsCredentials.Psk}, ECDHE-ECDSA suites with
     * {@link DtlsCredentials.Certificates} (verifying the gateway's certificate, presenting the client's own when it
     * has one).
     */
    private static final class SensorTlsClient extends AbstractTlsClient {
        private final DtlsCredentials credentials;
        private final int handshakeTimeoutMillis;

        SensorTlsClient(BcTlsCrypto crypto, DtlsCredentials credentials, int handshakeTimeoutMillis) {
            super(crypto);
            this.credentials = credentials;
            this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            int[] suites = credentials instanceof DtlsCredentials.Psk
                    ? new int[] {CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256}
                    : new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
                        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
            return TlsUtils.getSupportedCipherSuites(getCrypto(), suites);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis;
        }

        @Override
        public TlsPSKIdentity getPSKIdentity() {
            return credentials instanceof DtlsCredentials.Psk psk
                    ? new BasicTlsPSKIdentity(psk.identity(), psk.key()) : null;
        }

        @Override
        public TlsAuthentication getAuthentication() throws IOException {
            if (!(credentials instanceof DtlsCredentials.Certificates certificates)) {
                throw new TlsFatalAlert(AlertDescription.internal_error, "a PSK suite sends no server certificate");
            }
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    verifyGateway(certificates, serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return certificates.key() == null ? null : signer(certificates, request);
                }
            };
        }

        private static void verifyGateway(DtlsCredentials.Certificates certificates, Certificate presented)
                throws IOException {
            try {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                List<X509Certificate> path = new ArrayList<>();
                for (TlsCertificate c : presented.getCertificateList()) {
                    X509Certificate x = (X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(c.getEncoded()));
                    if (certificates.trustedCas().contains(x)) {
                        break; // the anchor itself ends the path
                    }
                    path.add(x);
                }
                Set<TrustAnchor> anchors = new HashSet<>();
                certificates.trustedCas().forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
                PKIXParameters parameters = new PKIXParameters(anchors);
                parameters.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "the gateway's certificate does not "
                        + "chain to a trusted CA: " + e.getMessage(), e);
            }
        }

        private TlsCredentials signer(DtlsCredentials.Certificates certificates, CertificateRequest request)
                throws IOException {
            TlsCertificate[] chain = new TlsCertificate[certificates.chain().size()];
            try {
                for (int i = 0; i < chain.length; i++) {
                    chain[i] = getCrypto().createCertificate(certificates.chain().get(i).getEncoded());
                }
            } catch (CertificateException e) {
                throw new IOException("the client certificate cannot be encoded", e);
            }
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(certificates.key().getEncoded());
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(), key,
                    new Certificate(chain), TlsUtils.chooseSignatureAndHashAlgorithm(context,
                    request.getSupportedSignatureAlgorithms(), SignatureAlgorithm.ecdsa));
        }
    }
}
