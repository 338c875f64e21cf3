package io.sngw.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throwaway EC P-256 certificate authority for TLS and DTLS tests, made with bcpkix in a test's temporary
 * directory: nothing is committed, nothing outlives the test. Every certificate and key is also written as a PEM file,
 * for the gateway's configuration and for {@code openssl} as a peer. Uses only the JDK's own providers.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its key, in memory and as PEM files (the chain file holds the certificate, then the CA). */
    public record Issued(X509Certificate certificate, PrivateKey key, Path certificatePem, Path chainPem, Path keyPem) {
    }

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path caPem;

    private TestPki(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.caKeys = newKeyPair();
        Instant now = Instant.now();
        this.ca = sign(new X500Name("CN=" + name), caKeys, new X500Name("CN=" + name), caKeys.getPrivate(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)), true, null);
        this.caPem = write(dir.resolve(name + "-ca.pem"), List.of(ca));
    }

    /** A new CA named {@code name} (its subject is CN=name), writing its files under {@code dir}. */
    public static TestPki create(Path dir, String name) {
        return new TestPki(dir, name);
    }

    public X509Certificate ca() {
        return ca;
    }

    public Path caPem() {
        return caPem;
    }

    /** A server certificate (serverAuth) for CN=commonName, valid now. */
    public Issued server(String commonName) {
        return issue(commonName, KeyPurposeId.id_kp_serverAuth, Instant.now().plus(Duration.ofDays(30)));
    }

    /**
     * A server certificate (serverAuth) for CN=commonName with subject alternative names, valid now: an IP literal
     * becomes an iPAddress name, anything else a dNSName (what TLS clients verify the host against).
     */
    public Issued server(String commonName, String... alternativeNames) {
        return issue(commonName, KeyPurposeId.id_kp_serverAuth, Instant.now().plus(Duration.ofDays(30)),
                alternativeNames);
    }

    /** A client certificate (clientAuth) for CN=commonName, valid now. */
    public Issued client(String commonName) {
        return issue(commonName, KeyPurposeId.id_kp_clientAuth, Instant.now().plus(Duration.ofDays(30)));
    }

    /** A client certificate that expired an hour ago. */
    public Issued expiredClient(String commonName) {
        return issue(commonName, KeyPurposeId.id_kp_clientAuth, Instant.now().minus(Duration.ofHours(1)));
    }

    private Issued issue(String commonName, KeyPurposeId purpose, Instant notAfter, String... alternativeNames) {
        KeyPair keys = newKeyPair();
        X509Certificate certificate = sign(new X500Name("CN=" + commonName), keys, new X500Name("CN=" + name),
                caKeys.getPrivate(), notAfter.minus(Duration.ofDays(60)), notAfter, false, purpose,
                alternativeNames);
        String base = name + "-" + commonName.replaceAll("[^A-Za-z0-9._-]", "_");
        Path certificatePem = write(dir.resolve(base + ".pem"), List.of(certificate));
        Path chainPem = write(dir.resolve(base + "-chain.pem"), List.of(certificate, ca));
        Path keyPem = write(dir.resolve(base + "-key.pem"), List.of(pkcs8(keys.getPrivate())));
        return new Issued(certificate, keys.getPrivate(), certificatePem, chainPem, keyPem);
    }

    /**
     * PKCS #8 ("PRIVATE KEY"): the JDK's EC keys carry their curve only in the PKCS #8 wrapper, so a SEC 1
     * ("EC PRIVATE KEY") rendering of them would lose it.
     */
    private static Object pkcs8(PrivateKey key) {
        try {
            return new JcaPKCS8Generator(key, null);
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode a test key", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                        Instant notBefore, Instant notAfter, boolean isCa, KeyPurposeId purpose,
                                        String... alternativeNames) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(isCa
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (alternativeNames.length > 0) {
                GeneralName[] names = new GeneralName[alternativeNames.length];
                for (int i = 0; i < names.length; i++) {
                    String n = alternativeNames[i];
                    boolean ip = n.matches("[0-9.]+") || n.contains(":");
                    names[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate for " + subject, e);
        }
    }

    private static Path write(Path file, List<Object> objects) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }
}
