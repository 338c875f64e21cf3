package io.sngw.transport.udp.dtls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's DTLS credentials read from PEM files with bcpkix: its EC certificate chain and private key, and the
 * CA certificates that client certificates must chain to. Every problem is reported with the file and what is wrong
 * with it, when the listener starts rather than at a sensor's first handshake. Key material is never logged.
 *
 * @param chain     the gateway's certificate first, then intermediates, DER encoded; empty when no certificate
 * @param key       the EC private key of {@code chain.get(0)}; null when no certificate
 * @param clientCas CA certificates for client certificates, DER encoded; empty when clients are not asked for one
 */
record PemCredentials(List<byte[]> chain, ECPrivateKeyParameters key, List<byte[]> clientCas) {

    static PemCredentials load(DtlsOptions options) {
        if (options.certificateChain() == null) {
            return new PemCredentials(List.of(), null, List.of());
        }
        List<X509CertificateHolder> chain = certificates(options.certificateChain());
        ECPrivateKeyParameters key = ecPrivateKey(options.privateKey());
        requireMatch(options.certificateChain(), chain.get(0), options.privateKey(), key);
        List<byte[]> cas = options.clientCa() == null ? List.of()
                : encoded(certificates(options.clientCa()));
        return new PemCredentials(encoded(chain), key, cas);
    }

    private static List<X509CertificateHolder> certificates(Path file) {
        List<X509CertificateHolder> certificates = new ArrayList<>();
        for (Object o : pemObjects(file)) {
            if (o instanceof X509CertificateHolder c) {
                certificates.add(c);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + ": no CERTIFICATE in this PEM file");
        }
        return certificates;
    }

    private static ECPrivateKeyParameters ecPrivateKey(Path file) {
        List<Object> objects = pemObjects(file);
        PrivateKeyInfo info = null;
        for (Object o : objects) {
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException(file + ": the private key is encrypted; the gateway needs it "
                        + "unencrypted (protect the file by its permissions)");
            } else if (o instanceof PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else if (o instanceof PrivateKeyInfo p) {
                info = p;
            }
        }
        if (info == null) {
            throw new IllegalArgumentException(file + ": no PRIVATE KEY (or EC PRIVATE KEY) in this PEM file");
        }
        AsymmetricKeyParameter key;
        try {
            key = PrivateKeyFactory.createKey(info);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": the private key cannot be read: " + e.getMessage(), e);
        }
        if (!(key instanceof ECPrivateKeyParameters ec)) {
            throw new IllegalArgumentException(file + ": the private key is not an EC key; the certificate suites "
                    + "here are ECDHE-ECDSA (e.g. a P-256 key)");
        }
        return ec;
    }

    /** A certificate and a key that do not belong together would fail every handshake: refuse them at once. */
    private static void requireMatch(Path chainFile, X509CertificateHolder leaf, Path keyFile,
                                     ECPrivateKeyParameters key) {
        AsymmetricKeyParameter publicKey;
        try {
            publicKey = PublicKeyFactory.createKey(leaf.getSubjectPublicKeyInfo());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(chainFile + ": the certificate's public key cannot be read: "
                    + e.getMessage(), e);
        }
        if (!(publicKey instanceof ECPublicKeyParameters ec)) {
            throw new IllegalArgumentException(chainFile + ": the first certificate does not hold an EC key; the "
                    + "certificate suites here are ECDHE-ECDSA");
        }
        boolean matches = ec.getParameters().equals(key.getParameters()) && new FixedPointCombMultiplier()
                .multiply(key.getParameters().getG(), key.getD()).normalize().equals(ec.getQ().normalize());
        if (!matches) {
            throw new IllegalArgumentException(keyFile + ": this private key does not belong to the first "
                    + "certificate of " + chainFile);
        }
    }

    private static List<Object> pemObjects(Path file) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": cannot read PEM: " + e.getMessage(), e);
        }
        return objects;
    }

    private static List<byte[]> encoded(List<X509CertificateHolder> certificates) {
        List<byte[]> der = new ArrayList<>();
        for (X509CertificateHolder c : certificates) {
            try {
                der.add(c.getEncoded());
            } catch (IOException e) {
                throw new IllegalArgumentException("a certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        return List.copyOf(der);
    }
}
