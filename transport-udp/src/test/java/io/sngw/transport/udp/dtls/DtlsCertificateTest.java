package io.sngw.transport.udp.dtls;

import io.sngw.testing.OpenSslDtlsClient;
import io.sngw.testing.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ECDHE-ECDSA suites with a gateway certificate and client certificates, against OpenSSL's s_client. */
class DtlsCertificateTest extends DtlsFixture {
    @TempDir
    Path dir;
    private TestPki pki;
    private TestPki.Issued gateway;

    @BeforeEach
    void makeCertificates() {
        pki = TestPki.create(dir, "sngw-test-ca");
        gateway = pki.server("gateway");
    }

    private DtlsOptions withGatewayCertificate(Path clientCa) {
        return DtlsOptions.loopbackEphemeral().withCertificates(gateway.chainPem(), gateway.keyPem(), clientCa)
                .withPskSuites(false);
    }

    private OpenSslDtlsClient certificateClient(DtlsTransport dtls, TestPki.Issued client, String cipher) {
        return closeLater(OpenSslDtlsClient.certificate(target(dtls), pki.caPem(),
                client == null ? null : client.certificatePem(), client == null ? null : client.keyPem(), cipher));
    }

    @ParameterizedTest
    @CsvSource({"ECDHE-ECDSA-AES128-CCM8", "ECDHE-ECDSA-AES128-GCM-SHA256"})
    void openSslVerifiesTheGatewayCertificateAndStaysAnonymous(String cipher) throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(withGatewayCertificate(null), core);

        OpenSslDtlsClient client = certificateClient(dtls, null, cipher);

        assertTrue(client.awaitHandshake(WAIT), client.output());
        assertEquals(cipher, client.cipher());
        assertTrue(client.output().contains("Verify return code: 0 (ok)"), client.output());
        assertTrue(client.output().contains("subject=CN = gateway"), client.output());
        client.write(CONNECT);
        Recorder.Received r = core.next(WAIT);
        assertArrayEquals(CONNECT, r.message());
        assertNull(r.from().authenticatedIdentity(), "no client certificate: nothing proved");
        assertTrue(client.awaitBytes(CONNECT, WAIT));
    }

    @Test
    void aClientCertificateFromTheClientCaIsTheIdentity() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(withGatewayCertificate(pki.caPem()), core);
        TestPki.Issued sensor = pki.client("sensor-7");

        OpenSslDtlsClient client = certificateClient(dtls, sensor, "ECDHE-ECDSA-AES128-CCM8");

        assertTrue(client.awaitHandshake(WAIT), client.output());
        assertTrue(client.output().contains("Acceptable client certificate CA names\nCN = sngw-test-ca"),
                client.output());
        client.write(CONNECT);
        DtlsPeerAddress from = (DtlsPeerAddress) core.next(WAIT).from();
        assertEquals("sensor-7", from.authenticatedIdentity());
        String fingerprint = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(sensor.certificate().getEncoded()));
        assertEquals(fingerprint, from.certificateFingerprint());
    }

    @Test
    void clientCertificatesThatDoNotVerifyAreRefusedAndGoodOnesStillPass() throws Exception {
        DtlsTransport dtls = start(withGatewayCertificate(pki.caPem()), new Recorder(true));
        TestPki stranger = TestPki.create(dir, "other-ca");

        OpenSslDtlsClient none = certificateClient(dtls, null, "ECDHE-ECDSA-AES128-CCM8");
        assertTrue(none.awaitExit(WAIT), none.output());
        OpenSslDtlsClient foreign = certificateClient(dtls, stranger.client("sensor-8"), "ECDHE-ECDSA-AES128-CCM8");
        assertTrue(foreign.awaitExit(WAIT), foreign.output());
        OpenSslDtlsClient expired = certificateClient(dtls, pki.expiredClient("sensor-9"), "ECDHE-ECDSA-AES128-CCM8");
        assertTrue(expired.awaitExit(WAIT), expired.output());

        await("three refusals", () -> dtls.stats().handshakesFailed(HandshakeFailure.BAD_CERTIFICATE) == 3);
        assertEquals(0, dtls.peerCount());
        OpenSslDtlsClient good = certificateClient(dtls, pki.client("sensor-7"), "ECDHE-ECDSA-AES128-CCM8");
        assertTrue(good.awaitHandshake(WAIT));
        good.write(CONNECT);
        assertTrue(good.awaitBytes(CONNECT, WAIT));
    }

    @Test
    void pskAndCertificateSuitesServeSideBySide() throws Exception {
        Recorder core = new Recorder(true);
        DtlsTransport dtls = start(withGatewayCertificate(pki.caPem()).withPskSuites(true), core);

        OpenSslDtlsClient byKey = connectedPsk(target(dtls), "sensor-1", KEY_1);
        OpenSslDtlsClient byCertificate = certificateClient(dtls, pki.client("sensor-7"), "ECDHE-ECDSA-AES128-GCM-SHA256");
        assertTrue(byCertificate.awaitHandshake(WAIT));
        byKey.write(ascii("key"));
        byCertificate.write(ascii("certificate"));

        assertTrue(byKey.awaitOutput("key", WAIT));
        assertTrue(byCertificate.awaitOutput("certificate", WAIT));
        assertEquals(2, dtls.stats().peersActive());
    }

    @Test
    void aKeyAndCertificateMadeByTheOpenSslCommandLineWork() throws Exception {
        // What an operator typically has: a SEC 1 "EC PRIVATE KEY" and a self-signed certificate.
        Path key = dir.resolve("gw-key.pem");
        Path cert = dir.resolve("gw-cert.pem");
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        run("openssl", "req", "-x509", "-new", "-key", key.toString(), "-subj", "/CN=gw", "-days", "2",
                "-out", cert.toString());
        assertTrue(Files.readString(key).contains("BEGIN EC PRIVATE KEY"));
        DtlsTransport dtls = start(DtlsOptions.loopbackEphemeral().withCertificates(cert, key, null), new Recorder(true));

        OpenSslDtlsClient client = closeLater(OpenSslDtlsClient.certificate(target(dtls), cert, null, null,
                "ECDHE-ECDSA-AES128-CCM8"));

        assertTrue(client.awaitHandshake(WAIT));
        assertTrue(client.output().contains("Verify return code: 0 (ok)"), client.output());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, output);
    }

    @Test
    void unusableCredentialFilesStopTheStartNamingTheFile() throws Exception {
        TestPki.Issued other = pki.server("other");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "no PEM here\n");
        Path missing = dir.resolve("missing.pem");

        assertStartFails(missing.toString(), DtlsOptions.loopbackEphemeral()
                .withCertificates(missing, gateway.keyPem(), null));
        assertStartFails("no CERTIFICATE", DtlsOptions.loopbackEphemeral()
                .withCertificates(empty, gateway.keyPem(), null));
        assertStartFails("no PRIVATE KEY", DtlsOptions.loopbackEphemeral()
                .withCertificates(gateway.chainPem(), gateway.chainPem(), null));
        assertStartFails("does not belong to the first certificate", DtlsOptions.loopbackEphemeral()
                .withCertificates(gateway.chainPem(), other.keyPem(), null));
        assertStartFails("no CERTIFICATE", DtlsOptions.loopbackEphemeral()
                .withCertificates(gateway.chainPem(), gateway.keyPem(), empty));
    }

    private void assertStartFails(String expectedFragment, DtlsOptions options) {
        DtlsTransport dtls = closeLater(new DtlsTransport(options, lookup, new Recorder(false)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, dtls::start);
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
        assertTrue(!dtls.isRunning());
    }
}
