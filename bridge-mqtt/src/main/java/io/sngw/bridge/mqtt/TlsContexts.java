package io.sngw.bridge.mqtt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The client {@link SslContext} for {@link TlsOptions}: JDK provider, TLS 1.3 and 1.2, the CA file or the system trust
 * store, hostname verification (endpoint identification "HTTPS", RFC 2818/6125 names), the client certificate and
 * key, ALPN. Made again on a connection attempt when one of its files changed, so that a renewed certificate is used
 * without a restart, and a broken file is one attempt's failure (retried) rather than a dead bridge. Upstream loop
 * only.
 */
final class TlsContexts {
    static final String CA_FILE = "CA file (upstream.tls.ca-file)";
    static final String CERT_FILE = "client certificate (upstream.tls.cert-file)";
    static final String KEY_FILE = "client key (upstream.tls.key-file)";

    private final TlsOptions tls;
    private SslContext context;
    private List<Object> stamps;
    private X509Certificate clientCertificate;

    TlsContexts(TlsOptions tls) {
        this.tls = tls;
    }

    /** The context for the next attempt; fails with a one-line reason when the files cannot make one. */
    SslContext current() throws TlsSetupException {
        List<Object> now = stamps();
        if (context == null || !now.equals(stamps)) {
            context = null;
            clientCertificate = null;
            context = build();
            stamps = now;
        }
        checkClientCertificateDates();
        return context;
    }

    private SslContext build() throws TlsSetupException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm(tls.verifyHostname() ? "HTTPS" : null);
        if (tls.caFile() != null) {
            builder.trustManager(PemFiles.certificates(tls.caFile(), CA_FILE));
        }
        if (tls.mutual()) {
            List<X509Certificate> chain = PemFiles.certificates(tls.certFile(), CERT_FILE);
            PrivateKey key = PemFiles.privateKey(tls.keyFile(), KEY_FILE);
            if (!PemFiles.matches(key, chain.get(0))) {
                throw new TlsSetupException(KEY_FILE + " " + tls.keyFile() + " does not belong to the "
                        + CERT_FILE + " " + tls.certFile() + ": key and certificate do not match");
            }
            builder.keyManager(key, chain);
            clientCertificate = chain.get(0);
        }
        if (!tls.alpn().isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, tls.alpn()));
        }
        try {
            return builder.build();
        } catch (SSLException | RuntimeException e) {
            throw new TlsSetupException("cannot set up TLS: " + Packets.describe(e));
        }
    }

    /** An expired client certificate would be refused by the broker with a bare alert: say it plainly first. */
    private void checkClientCertificateDates() throws TlsSetupException {
        if (clientCertificate == null) {
            return;
        }
        try {
            clientCertificate.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new TlsSetupException(CERT_FILE + " " + tls.certFile() + " expired on "
                    + clientCertificate.getNotAfter().toInstant() + ": renew it");
        } catch (CertificateNotYetValidException e) {
            throw new TlsSetupException(CERT_FILE + " " + tls.certFile() + " is not valid before "
                    + clientCertificate.getNotBefore().toInstant() + ": check this machine's clock");
        }
    }

    /** Size and modification time of each file: a change makes the context again. */
    private List<Object> stamps() {
        List<Object> out = new ArrayList<>();
        for (Path file : new Path[] {tls.caFile(), tls.certFile(), tls.keyFile()}) {
            if (file == null) {
                continue;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.add(a.lastModifiedTime());
                out.add(a.size());
            } catch (IOException e) {
                out.add(e.getClass()); // unreadable now: build() says why
            }
        }
        return out;
    }
}
