package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client keys as the clouds hand them out: RSA (AWS's default) and EC, PKCS #1 / SEC 1 (made by the openssl tool, as
 * in the field) and PKCS #8.
 */
class PemFilesTest {

    @TempDir
    Path dir;

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate selfSigned(KeyPair keys, String algorithm) throws Exception {
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(new X500Name("CN=t"),
                BigInteger.ONE, Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=t"), keys.getPublic()).build(new JcaContentSignerBuilder(algorithm)
                .build(keys.getPrivate())));
    }

    private Path write(String name, Object pem) throws Exception {
        Path file = dir.resolve(name);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(pem);
        }
        return file;
    }

    private void readsAndMatches(KeyPair keys, String signature, String traditionalHeader) throws Exception {
        X509Certificate certificate = selfSigned(keys, signature);
        Path pkcs8 = write("pkcs8.pem", new JcaPKCS8Generator(keys.getPrivate(), null));
        assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----"));
        Path traditional = dir.resolve("traditional.pem");
        // openssl writes the traditional forms as the clouds' consoles and openssl genrsa / ecparam hand them out
        Process p = new ProcessBuilder("openssl", "pkey", "-in", pkcs8.toString(), "-traditional", "-out",
                traditional.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(Files.readString(traditional).startsWith("-----BEGIN " + traditionalHeader + "-----"));
        for (Path file : new Path[] {traditional, pkcs8}) {
            PrivateKey key = PemFiles.privateKey(file, "key");
            assertTrue(PemFiles.matches(key, certificate), file.getFileName() + " must match its certificate");
        }
        Path cert = write("cert.pem", certificate);
        assertEquals(certificate, PemFiles.certificates(cert, "cert").get(0));
    }

    @Test
    void rsaKeysInPkcs1AndPkcs8() throws Exception {
        readsAndMatches(rsa(), "SHA256withRSA", "RSA PRIVATE KEY");
    }

    @Test
    void ecKeysInSec1AndPkcs8() throws Exception {
        readsAndMatches(ec(), "SHA256withECDSA", "EC PRIVATE KEY");
    }

    @Test
    void aKeyOfAnotherPairOrAnotherAlgorithmDoesNotMatch() throws Exception {
        X509Certificate certificate = selfSigned(ec(), "SHA256withECDSA");
        assertFalse(PemFiles.matches(ec().getPrivate(), certificate));
        assertFalse(PemFiles.matches(rsa().getPrivate(), certificate));
    }

    @Test
    void aFileWithoutAKeyOrCertificateSaysSo() throws Exception {
        Path cert = write("only-cert.pem", selfSigned(ec(), "SHA256withECDSA"));
        assertEquals("key " + cert + ": no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY in this PEM file",
                assertThrows(TlsSetupException.class, () -> PemFiles.privateKey(cert, "key")).getMessage());
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals("ca " + empty + ": no CERTIFICATE in this PEM file",
                assertThrows(TlsSetupException.class, () -> PemFiles.certificates(empty, "ca")).getMessage());
    }
}
