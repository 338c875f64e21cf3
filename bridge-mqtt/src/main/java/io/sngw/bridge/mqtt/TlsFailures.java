package io.sngw.bridge.mqtt;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * One line for a failed TLS connection, naming what to fix: the JDK's exceptions say "PKIX path building failed"
 * or "Received fatal alert: unknown_ca", which is true but does not tell an installer which setting is wrong.
 */
final class TlsFailures {
    private TlsFailures() {
    }

    /** The reason for a TLS failure of a connection to {@code host}, or null when {@code t} is no TLS failure. */
    static String describe(Throwable t, TlsOptions tls, String host) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "the broker's certificate (or one of its chain) has expired: the broker must renew it ("
                        + Packets.describe(c) + ")";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "the broker's certificate (or one of its chain) is not valid yet: check this machine's clock ("
                        + Packets.describe(c) + ")";
            }
            if (c instanceof CertPathValidatorException v && v.getReason()
                    == CertPathValidatorException.BasicReason.EXPIRED) {
                return "the broker's certificate (or one of its chain) has expired: the broker must renew it";
            }
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException) {
                return unknownCa(tls);
            }
            if (c instanceof CertificateException && isNameMismatch(c.getMessage())) {
                return "hostname mismatch: the broker's certificate is not for '" + host + "' (" + Packets.describe(c)
                        + "): connect by a name the certificate holds, or set upstream.tls.verify-hostname: false for"
                        + " a test broker";
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NotSslRecordException) {
                return "the broker did not answer with TLS: is this its TLS port (ssl:// and mqtts:// need its TLS"
                        + " listener, tcp:// the plain one)?";
            }
            if (c instanceof SslHandshakeTimeoutException) {
                return "TLS handshake timed out (" + Packets.describe(c) + ")";
            }
            String message = c.getMessage() == null ? "" : c.getMessage();
            if (c instanceof SSLException && message.contains("unable to find valid certification path")) {
                return unknownCa(tls);
            }
            if (c instanceof SSLException && message.startsWith("Received fatal alert: ")) {
                return alert(message.substring("Received fatal alert: ".length()).trim(), tls);
            }
            if (c instanceof SSLException) {
                return "TLS handshake failed: " + message;
            }
        }
        return null;
    }

    private static boolean isNameMismatch(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.startsWith("no subject alternative") || m.startsWith("no name matching");
    }

    private static String unknownCa(TlsOptions tls) {
        return tls.caFile() != null
                ? "unknown CA: the broker's certificate is not signed by the CA in " + tls.caFile()
                    + " (upstream.tls.ca-file): set it to the CA that signed the broker's certificate"
                : "unknown CA: the broker's certificate does not chain to a CA of the system trust store: set"
                    + " upstream.tls.ca-file to the CA that signed it";
    }

    /** An alert the broker sent: it refused something of ours. */
    private static String alert(String alert, TlsOptions tls) {
        return switch (alert) {
            case "certificate_expired" -> "the broker refused the client certificate " + tls.certFile()
                    + " (upstream.tls.cert-file) as expired: renew it";
            case "unknown_ca" -> tls.mutual()
                    ? "the broker does not trust the CA of the client certificate " + tls.certFile()
                        + " (upstream.tls.cert-file): have it signed by a CA the broker knows"
                    : "the broker refused the TLS handshake (alert unknown_ca)";
            case "certificate_required", "bad_certificate", "handshake_failure" -> tls.mutual()
                    ? "the broker refused the client certificate " + tls.certFile() + " (TLS alert " + alert + ")"
                    : "the broker refused the TLS handshake (alert " + alert + "): does it require a client"
                        + " certificate (upstream.tls.cert-file, upstream.tls.key-file)?";
            case "no_application_protocol" -> "the broker accepts none of the ALPN protocols " + tls.alpn()
                    + " (upstream.tls.alpn)";
            case "protocol_version" -> "the broker speaks neither TLS 1.3 nor TLS 1.2";
            default -> "the broker refused the TLS handshake (alert " + alert + ")";
        };
    }
}
