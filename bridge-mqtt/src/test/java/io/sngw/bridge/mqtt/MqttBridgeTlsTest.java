package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.TestBridges.await;
import static io.sngw.bridge.mqtt.TestBridges.eventually;
import static io.sngw.bridge.mqtt.TestBridges.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.TestPki;

/**
 * TLS to a real Mosquitto whose TLS listener requires a client certificate, with a CA and certificates made here:
 * mutual TLS works, and each way of getting it wrong fails with one line naming what to fix, retried without a
 * stack trace.
 */
class MqttBridgeTlsTest {

    @TempDir
    Path dir;

    private TestPki pki;
    private MosquittoBroker broker;
    private MqttBridge bridge;
    private LogCapture log;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void pki() {
        pki = TestPki.create(dir, "test-ca");
        log = new LogCapture();
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (broker != null) {
            broker.close();
        }
        log.close();
    }

    private void startBroker(TestPki.Issued serverCertificate) {
        broker = MosquittoBroker.start(List.of(), new MosquittoBroker.Tls(pki.caPem(),
                serverCertificate.certificatePem(), serverCertificate.keyPem(), true));
    }

    private void startBridge(TlsOptions tls) {
        bridge = new MqttBridge(TestBridges.options(broker.tlsPort()).withTls(tls));
        bridge.start(listener);
    }

    private TlsOptions mutual(TestPki.Issued client) {
        return new TlsOptions(pki.caPem(), client.certificatePem(), client.keyPem(), true, List.of());
    }

    /** Waits until the bridge has failed at least three times for {@code reason}, logged without a stack trace. */
    private void assertRetriedFor(String reason) {
        eventually(() -> log.containing(reason).size() >= 3, "three failed attempts saying '" + reason + "'");
        assertFalse(bridge.isConnected());
        assertFalse(log.anyStackTrace(), "no stack trace per attempt");
        List<String> warnings = log.messages(r -> r.getLevel() == java.util.logging.Level.WARNING);
        assertEquals(1, warnings.size(), "one warning for the outage, the retries at debug level: " + warnings);
        assertFalse(warnings.get(0).contains("\n"), "one line: " + warnings.get(0));
    }

    @Test
    void mutualTlsCarriesAQos1PublishToTheBroker() {
        startBroker(pki.server("broker", "127.0.0.1"));
        try (BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe("tls/#", 1);
            startBridge(mutual(pki.client("gateway")));
            listener.awaitEvent(true);
            await(bridge.publish(message("tls/hello", "over TLS", 1, false)));
            assertEquals("over TLS", probe.awaitMessages(1, RecordingListener.WAIT).get(0).payloadString());
        }
    }

    @Test
    void reconnectsAndResubscribesOverTlsAfterABrokerRestart() {
        startBroker(pki.server("broker", "127.0.0.1"));
        startBridge(mutual(pki.client("gateway")));
        listener.awaitEvent(true);
        assertEquals(1, await(bridge.subscribe("down/#", 1)));
        broker.restart();
        listener.awaitEvent(false);
        listener.awaitEvent(true);
        try (BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.publish("down/cmd", "after restart", 1, false);
            listener.awaitPayload("after restart");
        }
    }

    @Test
    void aBrokerCertificateFromAnotherCaIsAnUnknownCa() {
        startBroker(pki.server("broker", "127.0.0.1"));
        TestPki other = TestPki.create(dir, "other-ca");
        startBridge(mutual(pki.client("gateway")).withCaFile(other.caPem()));
        assertRetriedFor("unknown CA: the broker's certificate is not signed by the CA in " + other.caPem()
                + " (upstream.tls.ca-file)");
    }

    @Test
    void anExpiredClientCertificateIsNamedWithItsDate() {
        startBroker(pki.server("broker", "127.0.0.1"));
        TestPki.Issued expired = pki.expiredClient("gateway");
        startBridge(mutual(expired));
        assertRetriedFor("client certificate (upstream.tls.cert-file) " + expired.certificatePem() + " expired on "
                + expired.certificate().getNotAfter().toInstant() + ": renew it");
    }

    @Test
    void aBrokerCertificateForAnotherHostIsAHostnameMismatch() {
        startBroker(pki.server("broker.example", "broker.example"));
        startBridge(mutual(pki.client("gateway")));
        assertRetriedFor("hostname mismatch: the broker's certificate is not for '127.0.0.1'");
    }

    @Test
    void hostnameVerificationCanBeTurnedOffForATestBroker() {
        startBroker(pki.server("broker.example", "broker.example"));
        startBridge(mutual(pki.client("gateway")).withVerifyHostname(false));
        listener.awaitEvent(true);
    }

    @Test
    void aKeyOfAnotherCertificateIsAMismatch() {
        startBroker(pki.server("broker", "127.0.0.1"));
        TestPki.Issued mine = pki.client("gateway");
        TestPki.Issued other = pki.client("someone-else");
        startBridge(new TlsOptions(pki.caPem(), mine.certificatePem(), other.keyPem(), true, List.of()));
        assertRetriedFor("client key (upstream.tls.key-file) " + other.keyPem() + " does not belong to the client"
                + " certificate (upstream.tls.cert-file) " + mine.certificatePem()
                + ": key and certificate do not match");
    }

    @Test
    void aMissingFileIsNamed() {
        startBroker(pki.server("broker", "127.0.0.1"));
        TestPki.Issued mine = pki.client("gateway");
        Path missing = dir.resolve("no-such-key.pem");
        startBridge(new TlsOptions(pki.caPem(), mine.certificatePem(), missing, true, List.of()));
        assertRetriedFor("client key (upstream.tls.key-file) " + missing + ": cannot read it: no such file");
    }

    @Test
    void withoutAClientCertificateTheBrokerRefusesTheHandshake() {
        startBroker(pki.server("broker", "127.0.0.1"));
        startBridge(TlsOptions.systemTrust().withCaFile(pki.caPem()));
        eventually(() -> !log.containing("the broker refused the TLS handshake (alert certificate_required): does it"
                + " require a client certificate (upstream.tls.cert-file, upstream.tls.key-file)?").isEmpty(),
                "the refusal logged");
        assertFalse(bridge.isConnected());
        assertFalse(log.anyStackTrace());
    }

    @Test
    void aPlainPortIsNotTakenForTls() {
        startBroker(pki.server("broker", "127.0.0.1"));
        bridge = new MqttBridge(TestBridges.options(broker.port()).withTls(mutual(pki.client("gateway"))));
        bridge.start(listener);
        eventually(() -> !log.containing("is port " + broker.port() + " the broker's TLS listener?").isEmpty()
                || !log.containing("the broker did not answer with TLS").isEmpty(), "the failure logged");
        assertFalse(bridge.isConnected());
    }
}
