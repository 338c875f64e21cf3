package io.sngw.bridge.mqtt;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Certificates and private keys from PEM files, read with bcpkix into the JDK's types (the TLS is the JDK's): RSA and
 * EC keys, as PKCS #1 ("RSA PRIVATE KEY"), SEC 1 ("EC PRIVATE KEY") or PKCS #8 ("PRIVATE KEY"). Every problem is a
 * {@link TlsSetupException} whose one line names the file, its role and what is wrong. Key material is never put
 * in a message.
 */
final class PemFiles {
    private PemFiles() {
    }

    /** Every CERTIFICATE in the file, in order; at least one. */
    static List<X509Certificate> certificates(Path file, String role) throws TlsSetupException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(file, role)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsSetupException(role + " " + file + ": a certificate cannot be decoded ("
                            + Packets.describe(e) + ")");
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new TlsSetupException(role + " " + file + ": no CERTIFICATE in this PEM file");
        }
        return certificates;
    }

    /** The one private key in the file. */
    static PrivateKey privateKey(Path file, String role) throws TlsSetupException {
        PrivateKeyInfo info = null;
        for (Object o : objects(file, role)) {
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new TlsSetupException(role + " " + file + ": the private key is encrypted; the gateway needs it"
                        + " unencrypted (protect the file by its permissions)");
            } else if (o instanceof PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else if (o instanceof PrivateKeyInfo p) {
                info = p;
            }
        }
        if (info == null) {
            throw new TlsSetupException(role + " " + file
                    + ": no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY in this PEM file");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (PEMException e) {
            throw new TlsSetupException(role + " " + file + ": the private key cannot be read ("
                    + Packets.describe(e) + ")");
        }
    }

    /**
     * Whether {@code key} belongs to {@code certificate}: a signature made with the key must verify with the
     * certificate's public key. Works alike for RSA and EC, and costs one signature at setup.
     */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static List<Object> objects(Path file, String role) throws TlsSetupException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (NoSuchFileException e) {
            throw new TlsSetupException(role + " " + file + ": cannot read it: no such file");
        } catch (AccessDeniedException e) {
            throw new TlsSetupException(role + " " + file + ": cannot read it: permission denied for this user");
        } catch (IOException | RuntimeException e) {
            throw new TlsSetupException(role + " " + file + ": cannot read it as PEM (" + Packets.describe(e) + ")");
        }
        return objects;
    }
}
