package io.sngw.transport.udp.dtls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Vector;

/**
 * The gateway's side of one DTLS 1.2 handshake (one instance per handshake): PSK suites with the identity looked up
 * through {@link PskLookup}, ECDHE-ECDSA suites with the gateway's certificate, and, when a client CA is configured,
 * a required client certificate verified against it. Records what the handshake proved (and why it failed, where it
 * is this class that refuses) for the listener to read afterwards.
 */
final class GatewayTlsServer extends AbstractTlsServer {
    private static final System.Logger LOG = System.getLogger(DtlsTransport.class.getName());

    /** RFC 4279 allows 2^16-1 bytes; a client id is at most 23. Anything beyond this is not a device of ours. */
    static final int MAX_IDENTITY_BYTES = 128;

    static final int[] PSK_SUITES = {
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
    };
    static final int[] CERTIFICATE_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    };

    private final BcTlsCrypto bcCrypto;
    private final int[] cipherSuites;
    private final PskLookup pskLookup; // null: PSK suites off
    private final PemCredentials credentials;
    private final ClientCertificateVerifier clientVerifier; // null: no client certificates asked for
    private final int handshakeTimeoutMillis;

    private volatile HandshakeFailure refusal;
    private volatile String identity;
    private volatile String presentedIdentity;
    private volatile String fingerprint;
    private volatile byte[] pskDigest;

    /** @param cipherSuites from {@link #cipherSuites}, worked out once per listener rather than per handshake */
    GatewayTlsServer(BcTlsCrypto crypto, int[] cipherSuites, PskLookup pskLookup, PemCredentials credentials,
                     ClientCertificateVerifier clientVerifier, int handshakeTimeoutMillis) {
        super(crypto);
        this.bcCrypto = crypto;
        this.cipherSuites = cipherSuites;
        this.pskLookup = pskLookup;
        this.credentials = credentials;
        this.clientVerifier = clientVerifier;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** Why this side refused the handshake, when it was this side; null otherwise. */
    HandshakeFailure refusal() {
        return refusal;
    }

    /** The PSK identity the client presented, known or not (printable, or null); for the log of a failure. */
    String presentedIdentity() {
        return presentedIdentity;
    }

    /** After a completed handshake: the PSK identity or the client certificate's subject; null when anonymous. */
    String identity() {
        return identity;
    }

    /** After a completed PSK handshake: the SHA-256 of the key it used (never the key itself); null otherwise. */
    byte[] pskDigest() {
        return pskDigest;
    }

    /** After a completed handshake with a client certificate: its SHA-256 fingerprint; null otherwise. */
    String fingerprint() {
        return fingerprint;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return cipherSuites.clone();
    }

    /** The suites a listener offers: PSK ones where it has a key lookup, certificate ones where it has a key. */
    static int[] cipherSuites(BcTlsCrypto crypto, boolean psk, boolean certificates) {
        List<Integer> suites = new ArrayList<>();
        if (psk) {
            Arrays.stream(PSK_SUITES).forEach(suites::add);
        }
        if (certificates) {
            Arrays.stream(CERTIFICATE_SUITES).forEach(suites::add);
        }
        return TlsUtils.getSupportedCipherSuites(crypto, suites.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        int keyExchange = context.getSecurityParametersHandshake().getKeyExchangeAlgorithm();
        if (keyExchange == KeyExchangeAlgorithm.PSK) {
            return null;
        }
        if (keyExchange != KeyExchangeAlgorithm.ECDHE_ECDSA || credentials.key() == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "no credentials for key exchange " + keyExchange);
        }
        SignatureAndHashAlgorithm signature = TlsUtils.chooseSignatureAndHashAlgorithm(context,
                context.getSecurityParametersHandshake().getClientSigAlgs(), SignatureAlgorithm.ecdsa);
        if (signature == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client accepts no ECDSA signature");
        }
        TlsCertificate[] chain = new TlsCertificate[credentials.chain().size()];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = bcCrypto.createCertificate(credentials.chain().get(i));
        }
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), bcCrypto, credentials.key(),
                new Certificate(chain), signature);
    }

    @Override
    public TlsPSKIdentityManager getPSKIdentityManager() {
        return new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return null;
            }

            @Override
            public byte[] getPSK(byte[] rawIdentity) {
                String id = decodeIdentity(rawIdentity);
                presentedIdentity = id;
                byte[] psk = id == null || pskLookup == null ? null : pskLookup.pskFor(id);
                if (psk == null || psk.length == 0) {
                    refusal = HandshakeFailure.UNKNOWN_IDENTITY;
                    return null; // Bouncy Castle answers unknown_psk_identity
                }
                identity = id;
                pskDigest = Sha256.of(psk);
                return psk;
            }
        };
    }

    /** Printable UTF-8 of 1..128 bytes, or null: an identity that could be logged and compared safely. */
    static String decodeIdentity(byte[] raw) {
        if (raw == null || raw.length == 0 || raw.length > MAX_IDENTITY_BYTES) {
            return null;
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return s.codePoints().anyMatch(Character::isISOControl) ? null : s;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        if (clientVerifier == null) {
            return null;
        }
        Vector<X500Name> authorities = new Vector<>();
        for (byte[] ca : credentials.clientCas()) {
            authorities.add(org.bouncycastle.asn1.x509.Certificate.getInstance(ca).getSubject());
        }
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign},
                TlsUtils.getDefaultSupportedSignatureAlgorithms(context), authorities);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        List<byte[]> chain = new ArrayList<>();
        if (clientCertificate != null) {
            for (TlsCertificate c : clientCertificate.getCertificateList()) {
                chain.add(c.getEncoded());
            }
        }
        try {
            ClientCertificateVerifier.Verified verified = clientVerifier.verify(chain);
            identity = verified.identity();
            fingerprint = verified.fingerprint();
        } catch (CertificateException e) {
            refusal = HandshakeFailure.BAD_CERTIFICATE;
            LOG.log(System.Logger.Level.DEBUG, () -> "client certificate refused: " + e.getMessage());
            throw new TlsFatalAlert(chain.isEmpty() ? AlertDescription.handshake_failure
                    : AlertDescription.bad_certificate, e.getMessage());
        }
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        if (alertLevel == AlertLevel.fatal) {
            LOG.log(System.Logger.Level.DEBUG, () -> "DTLS handshake refused: " + AlertDescription.getText(
                    alertDescription) + (message == null ? "" : ": " + message));
        }
    }
}
