package io.sngw.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sngw.bridge.mqtt.MqttProtocol;
import io.sngw.bridge.mqtt.ProtocolOptions;
import io.sngw.bridge.mqtt.TopicTemplate;
import io.sngw.core.codec.ReturnCode;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ReceivedMessage;
import io.sngw.sim.client.Will;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;

/**
 * The whole gateway in transparent mode over MQTT 5 (durable store, so the store-and-forward queue is in front of
 * the bridge), real MQTT-SN sensors over UDP, a real Mosquitto: what the broker sees of each sensor.
 */
class GatewayTransparentModeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private MosquittoBroker mosquitto;
    private BrokerProbe probe;
    private GatewayApp app;
    private InetSocketAddress udp;
    private final List<MqttSnClient> sensors = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        mosquitto = MosquittoBroker.start();
        probe = new BrokerProbe(mosquitto.url());
    }

    @AfterEach
    void stop() {
        sensors.forEach(MqttSnClient::close);
        if (app != null) {
            app.close();
        }
        probe.close();
        mosquitto.close();
    }

    private void startGateway(int maxConnections, TopicTemplate template) throws Exception {
        GatewayConfig d = GatewayConfig.defaults();
        UpstreamProtocolSettings protocol = new UpstreamProtocolSettings(MqttProtocol.MQTT_5,
                ProtocolOptions.DEFAULT_SESSION_EXPIRY, 10, Duration.ZERO, true, "{client-id}", maxConnections,
                template);
        GatewayConfig c = d.withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, null))
                .withUpstream(d.upstream().withUrl(mosquitto.url()).withProtocol(protocol))
                .withStore(d.store().withDir(dataDir.toString()));
        app = new GatewayApp(c);
        udp = app.start();
        eventually(app::brokerConnected, "the gateway's own connection up");
    }

    private MqttSnClient sensor() {
        MqttSnClient client = new MqttSnClient(udp);
        sensors.add(client);
        return client;
    }

    private String brokerLog() {
        try {
            return Files.readString(mosquitto.logFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not reached within " + WAIT);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void fiftySensorsAreFiftyClientsAtTheBroker() throws Exception {
        startGateway(100, TopicTemplate.IDENTITY);
        probe.subscribe("sensors/#", 1);
        for (int i = 1; i <= 50; i++) {
            MqttSnClient s = sensor();
            assertEquals(ReturnCode.ACCEPTED, s.connect("s" + i, 60, true).returnCode());
            assertEquals(ReturnCode.ACCEPTED, s.publish("sensors/s" + i, 1, false,
                    ("r" + i).getBytes(StandardCharsets.UTF_8)).returnCode());
        }
        assertEquals(50, probe.awaitMessages(50, WAIT).size());
        eventually(() -> {
            String log = brokerLog();
            for (int i = 1; i <= 50; i++) {
                if (!log.contains(" as s" + i + " ")) {
                    return false;
                }
            }
            return true;
        }, "50 sensor connections s1..s50 in Mosquitto's log");
        assertEquals(0L, app.counters().getOrDefault("upstream.transparent.connections.refused", 0L));
    }

    @Test
    void aConnectBeyondMaxConnectionsGetsConnackCongestion() throws Exception {
        startGateway(2, TopicTemplate.IDENTITY);
        assertEquals(ReturnCode.ACCEPTED, sensor().connect("s1", 60, true).returnCode());
        assertEquals(ReturnCode.ACCEPTED, sensor().connect("s2", 60, true).returnCode());
        assertEquals(ReturnCode.CONGESTION, sensor().connect("s3", 60, true).returnCode());
        assertEquals(1L, app.counters().get("upstream.transparent.connections.refused"));
        assertEquals(1L, app.counters().get("connects.refused.upstream"));
    }

    @Test
    void aLostSensorsWillIsPublishedByTheBrokerUnderTheTopicTemplate() throws Exception {
        startGateway(10, TopicTemplate.parse("gw/{gateway-id}/{client-id}/{topic}"));
        probe.subscribe("gw/#", 1);
        MqttSnClient s = sensor();
        Will will = new Will("status", "s7 gone".getBytes(StandardCharsets.UTF_8), 1, false);
        assertEquals(ReturnCode.ACCEPTED, s.connect("s7", 1, true, will).returnCode());
        assertEquals(ReturnCode.ACCEPTED, s.publish("status", 1, false, "here".getBytes(StandardCharsets.UTF_8))
                .returnCode());
        // silent now: lost after keep-alive × 1.5
        List<ProbeMessage> seen = probe.awaitMessages(2, WAIT);
        assertEquals("gw/1/s7/status", seen.get(0).topic());
        assertEquals("here", seen.get(0).payloadString());
        assertEquals("gw/1/s7/status", seen.get(1).topic());
        assertEquals("s7 gone", seen.get(1).payloadString());
        assertTrue(brokerLog().contains("s7"), "the will came from the sensor's own connection");
    }

    @Test
    void aSleepingSensorsMessagesWaitAtTheBrokerAndArriveWhenItWakes() throws Exception {
        startGateway(10, TopicTemplate.IDENTITY);
        MqttSnClient s = sensor();
        assertEquals(ReturnCode.ACCEPTED, s.connect("sleepy", 60, false).returnCode());
        assertEquals(ReturnCode.ACCEPTED, s.subscribe("cmd/sleepy", 1).returnCode());
        s.sleep(60);
        eventually(() -> brokerLog().contains("Client sleepy disconnected"), "the sensor's connection ended");
        probe.publish("cmd/sleepy", "wake up", 1, false);
        List<ReceivedMessage> kept = s.wake();
        assertEquals(1, kept.size());
        assertEquals("wake up", new String(kept.get(0).payload(), StandardCharsets.UTF_8));
    }

    @Test
    void everyForwardedMessageNamesItsSensorAndLinkInUserProperties() throws Exception {
        startGateway(10, TopicTemplate.IDENTITY);
        Process sub = new ProcessBuilder("mosquitto_sub", "-V", "mqttv5", "-h", "127.0.0.1", "-p",
                String.valueOf(mosquitto.port()), "-t", "sensors/#", "-C", "1", "-F", "%t|%P|%p")
                .redirectErrorStream(true).start();
        try {
            MqttSnClient s = sensor();
            assertEquals(ReturnCode.ACCEPTED, s.connect("s1", 60, true).returnCode());
            eventually(() -> brokerLog().split("New client connected").length >= 4, "mosquitto_sub connected");
            // it subscribes just after connecting: publish until it prints the message
            BufferedReader out = new BufferedReader(new InputStreamReader(sub.getInputStream(), StandardCharsets.UTF_8));
            Thread publisher = new Thread(() -> {
                while (sub.isAlive()) {
                    s.publish("sensors/t", 1, false, "x".getBytes(StandardCharsets.UTF_8));
                }
            });
            publisher.setDaemon(true);
            publisher.start();
            assertEquals("sensors/t|sngw-client-id:s1 sngw-link:udp|x", out.readLine());
        } finally {
            sub.destroy();
            sub.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
