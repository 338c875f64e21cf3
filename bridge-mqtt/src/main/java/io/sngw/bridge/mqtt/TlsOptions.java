package io.sngw.bridge.mqtt;

import java.nio.file.Path;
import java.util.List;

/**
 * TLS to the broker (TLS 1.2 or 1.3, the JDK's provider).
 *
 * @param caFile         PEM file of the CA certificate(s) the broker's certificate must chain to; null trusts the
 *                       JVM's system trust store (the public CAs the clouds use)
 * @param certFile       PEM file of the gateway's client certificate (then any intermediates), for mutual TLS; null
 *                       for none
 * @param keyFile        PEM file of that certificate's private key: RSA or EC, PKCS #1 / SEC 1 or PKCS #8,
 *                       unencrypted; null exactly when certFile is
 * @param verifyHostname whether the broker's certificate must name the host the URL names (on by default; off only
 *                       for a test broker whose certificate names something else)
 * @param alpn           ALPN protocol names to offer, e.g. {@code x-amzn-mqtt-ca} for AWS IoT Core on port 443;
 *                       empty for none
 */
public record TlsOptions(Path caFile, Path certFile, Path keyFile, boolean verifyHostname, List<String> alpn) {

    public TlsOptions {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException(certFile == null
                    ? "a TLS client key file is given without its certificate file"
                    : "a TLS client certificate file is given without its key file");
        }
        alpn = alpn == null ? List.of() : List.copyOf(alpn);
        for (String protocol : alpn) {
            if (protocol.isEmpty() || protocol.length() > 255) {
                throw new IllegalArgumentException("an ALPN protocol name must be 1..255 characters: '" + protocol + "'");
            }
        }
    }

    /** Server verification against the system trust store, hostname verified, no client certificate, no ALPN. */
    public static TlsOptions systemTrust() {
        return new TlsOptions(null, null, null, true, List.of());
    }

    public TlsOptions withCaFile(Path file) {
        return new TlsOptions(file, certFile, keyFile, verifyHostname, alpn);
    }

    public TlsOptions withClientCertificate(Path cert, Path key) {
        return new TlsOptions(caFile, cert, key, verifyHostname, alpn);
    }

    public TlsOptions withVerifyHostname(boolean verify) {
        return new TlsOptions(caFile, certFile, keyFile, verify, alpn);
    }

    public TlsOptions withAlpn(List<String> protocols) {
        return new TlsOptions(caFile, certFile, keyFile, verifyHostname, protocols);
    }

    boolean mutual() {
        return certFile != null;
    }
}
