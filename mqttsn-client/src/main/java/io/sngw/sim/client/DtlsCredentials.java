package io.sngw.sim.client;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** What a client proves itself with in a DTLS handshake, and whom it trusts. */
public sealed interface DtlsCredentials {

    /**
     * TLS_PSK_WITH_AES_128_CCM_8 or TLS_PSK_WITH_AES_128_GCM_SHA256 with a pre-shared key.
     *
     * @param identity the PSK identity: the client id the gateway's device registry knows the key under
     * @param key      the key; copied, never logged
     */
    record Psk(String identity, byte[] key) implements DtlsCredentials {
        public Psk {
            Objects.requireNonNull(identity, "identity");
            if (identity.isEmpty()) {
                throw new IllegalArgumentException("PSK identity must not be empty");
            }
            key = Objects.requireNonNull(key, "key").clone();
            if (key.length == 0) {
                throw new IllegalArgumentException("PSK must not be empty");
            }
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public String toString() {
            return "Psk[" + identity + "]";
        }
    }

    /**
     * TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 or _AES_128_GCM_SHA256: the gateway's certificate must chain to one of
     * {@code trustedCas} (no host name check: sensors reach gateways by address, the CA is what is trusted).
     *
     * @param chain the client's own certificate first, then intermediates; empty for no client certificate
     * @param key   the EC private key of {@code chain.get(0)}, or null with an empty chain
     */
    record Certificates(List<X509Certificate> trustedCas, List<X509Certificate> chain, PrivateKey key)
            implements DtlsCredentials {
        public Certificates {
            trustedCas = List.copyOf(trustedCas);
            chain = List.copyOf(chain);
            if (trustedCas.isEmpty()) {
                throw new IllegalArgumentException("at least one trusted CA is needed to verify the gateway");
            }
            if (chain.isEmpty() != (key == null)) {
                throw new IllegalArgumentException("a client certificate chain and its key go together");
            }
        }

        @Override
        public String toString() {
            return "Certificates[" + (chain.isEmpty() ? "anonymous" : chain.get(0).getSubjectX500Principal()) + "]";
        }
    }

    static Psk psk(String identity, byte[] key) {
        return new Psk(identity, key);
    }

    /** Verifies the gateway against {@code ca} and presents no certificate of its own. */
    static Certificates anonymous(X509Certificate ca) {
        return new Certificates(List.of(ca), List.of(), null);
    }

    /** Verifies the gateway against {@code ca} and presents {@code certificate}. */
    static Certificates certificate(X509Certificate ca, X509Certificate certificate, PrivateKey key) {
        return new Certificates(List.of(ca), List.of(certificate), key);
    }
}
