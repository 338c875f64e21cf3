package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.deploy.ConfigLoader;
import io.sngw.deploy.GatewayApp;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import io.sngw.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole gateway, configured from YAML as deployed, to a real Mosquitto whose TLS listener requires a client
 * certificate (a CA and certificates made by the test): sensors' messages over mutual TLS, a broker restart under
 * load, a password file.
 */
class CloudTlsEndToEndTest {

    @TempDir
    Path dir;

    private TestPki pki;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void pki() {
        pki = TestPki.create(dir, "cloud-ca");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    private MosquittoBroker tlsBroker(List<String> extra) {
        TestPki.Issued server = pki.server("broker", "127.0.0.1");
        return closeLater(MosquittoBroker.start(extra, new MosquittoBroker.Tls(pki.caPem(), server.certificatePem(),
                server.keyPem(), true)));
    }

    /** A gateway on a free UDP port, configured from {@code upstream} YAML (a flow mapping's content). */
    private InetSocketAddress gateway(String upstream, boolean durable) throws Exception {
        GatewayApp app = closeLater(new GatewayApp(ConfigLoader.parse("udp: { bind: 127.0.0.1, port: 0 }\n"
                + "store: { dir: " + (durable ? dir.resolve("store").toString() : "none") + " }\n"
                + "upstream: { reconnect-min: 50ms, reconnect-max: 500ms, " + upstream + " }")));
        InetSocketAddress address = app.start();
        GatewayUnderTest.await("the gateway's bridge to connect", app::brokerConnected);
        return address;
    }

    private String mutualTls(MosquittoBroker broker) {
        TestPki.Issued client = pki.client("gateway");
        return "url: \"" + broker.tlsUrl() + "\", tls: { ca-file: " + pki.caPem() + ", cert-file: "
                + client.certificatePem() + ", key-file: " + client.keyPem() + " }";
    }

    @Test
    void aSensorsQos1PublishArrivesOverMutualTls() throws Exception {
        MosquittoBroker broker = tlsBroker(List.of());
        BrokerProbe probe = closeLater(new BrokerProbe(broker.url()));
        probe.subscribe("plant/#", 1);
        InetSocketAddress gateway = gateway(mutualTls(broker), false);
        try (Sensor sensor = new Sensor(gateway)) {
            sensor.connect("valve-1");
            int topic = sensor.register("plant/valve-1/state", 1);
            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(topic), 7,
                    "open".getBytes(StandardCharsets.UTF_8)));
            sensor.expect(new PubAck(topic, 7, ReturnCode.ACCEPTED));
        }
        ProbeMessage m = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertEquals("plant/valve-1/state", m.topic());
        assertEquals("open", m.payloadString());
        assertEquals(1, m.qos());
    }

    @Test
    void theGatewaysStatusIsRetainedOnlineAtTheBroker() throws Exception {
        MosquittoBroker broker = tlsBroker(List.of());
        gateway("status-topic: \"site/{gateway-id}/gateway\", " + mutualTls(broker), false);
        BrokerProbe probe = closeLater(new BrokerProbe(broker.url()));
        probe.subscribe("site/1/gateway", 1);
        ProbeMessage status = probe.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertEquals("online", status.payloadString());
        assertTrue(status.retained());
    }

    @Test
    void nothingAcknowledgedIsLostWhenTheBrokerRestartsUnderLoadOverTls() throws Exception {
        // Mosquitto keeps the probe's persistent session across its own restart, so the probe misses nothing.
        MosquittoBroker broker = tlsBroker(List.of("persistence true", "persistence_location " + dir + "/",
                "autosave_interval 1"));
        BrokerProbe probe = closeLater(BrokerProbe.persistent(broker.url(), "tls-outage-probe"));
        probe.subscribe("outage/#", 1);
        InetSocketAddress gateway = gateway(mutualTls(broker), true);
        List<NumberedSensor> sensors = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sensors.add(NumberedSensor.connect(gateway, "tls-" + i, "outage/" + i));
        }
        sensors.forEach(NumberedSensor::startSending);
        try {
            NumberedSensor.awaitAcknowledged(sensors, 300);
            broker.restart();
            NumberedSensor.awaitAcknowledged(sensors, NumberedSensor.totalAcknowledged(sensors) + 300);
        } finally {
            sensors.forEach(NumberedSensor::stopSending);
        }
        Map<String, Set<Integer>> expected = new HashMap<>();
        sensors.forEach(s -> expected.put(s.clientId, s.acknowledged()));
        GatewayUnderTest.await("every acknowledged message at the broker", () -> missing(probe, expected).isEmpty());
    }

    private static Set<String> missing(BrokerProbe probe, Map<String, Set<Integer>> expected) {
        Set<String> arrived = new HashSet<>();
        for (ProbeMessage m : probe.messages()) {
            arrived.add(m.payloadString());
        }
        Set<String> missing = new HashSet<>();
        expected.forEach((client, numbers) -> numbers.stream().map(n -> client + ":" + n)
                .filter(key -> !arrived.contains(key)).forEach(missing::add));
        return missing;
    }

    @Test
    void aPasswordFileLogsTheGatewayInAndAWrongOneIsRefusedWithItsReturnCode() throws Exception {
        Path passwords = dir.resolve("mosquitto.passwd");
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), "gw", "right-pw")
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        MosquittoBroker broker = tlsBroker(List.of("allow_anonymous false", "password_file " + passwords));
        Path right = java.nio.file.Files.writeString(dir.resolve("right"), "right-pw\n");
        gateway("username: gw, password-file: " + right + ", " + mutualTls(broker), false);

        Path wrong = java.nio.file.Files.writeString(dir.resolve("wrong"), "wrong-pw\n");
        try (BridgeLog log = new BridgeLog()) {
            GatewayApp app = closeLater(new GatewayApp(ConfigLoader.parse("udp: { bind: 127.0.0.1, port: 0 }\n"
                    + "store: { dir: none }\nupstream: { client-id: other, username: gw, password-file: " + wrong
                    + ", " + mutualTls(broker) + " }")));
            app.start();
            GatewayUnderTest.await("the refusal logged", () -> log.contains("[CONNACK return code 5]")
                    || log.contains("[CONNACK return code 4]"));
            assertFalse(app.brokerConnected());
            assertFalse(log.contains("wrong-pw"), "the password is never logged");
        }
    }

    /** The bridge's log lines while open. */
    private static final class BridgeLog extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.sngw.bridge.mqtt.MqttBridge");
        private final List<String> lines = new ArrayList<>();

        BridgeLog() {
            setLevel(Level.ALL);
            logger.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            lines.add(new SimpleFormatter().formatMessage(record));
        }

        synchronized boolean contains(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
