package io.sngw.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sngw.bridge.mqtt.MqttProtocol;
import io.sngw.bridge.mqtt.ProtocolOptions;
import io.sngw.bridge.mqtt.TopicTemplate;
import io.sngw.core.codec.ReturnCode;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ReceivedMessage;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.MosquittoBroker;

/** The whole gateway, aggregating over MQTT 3.1.1, with a topic template that names the client: both ways. */
class GatewayTopicTemplateTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    @Test
    void sensorsPublishUnderTheirPrefixAndEachGetsOnlyTheMessagesAddressedToIt() throws Exception {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(); BrokerProbe probe = new BrokerProbe(mosquitto.url())) {
            GatewayConfig d = GatewayConfig.defaults();
            UpstreamProtocolSettings protocol = new UpstreamProtocolSettings(MqttProtocol.MQTT_3_1_1,
                    ProtocolOptions.DEFAULT_SESSION_EXPIRY, 10, Duration.ZERO, false, "{client-id}", 1000,
                    TopicTemplate.parse("gw/{gateway-id}/{client-id}/{topic}"));
            GatewayConfig c = d.withUdp(new GatewayConfig.UdpSettings("127.0.0.1", 0, null))
                    .withUpstream(d.upstream().withUrl(mosquitto.url()).withProtocol(protocol))
                    .withStore(d.store().withDir(dataDir.toString()));
            try (GatewayApp app = new GatewayApp(c)) {
                InetSocketAddress udp = app.start();
                probe.subscribe("gw/#", 1);
                try (MqttSnClient s1 = new MqttSnClient(udp); MqttSnClient s2 = new MqttSnClient(udp)) {
                    assertEquals(ReturnCode.ACCEPTED, s1.connect("s1", 60, true).returnCode());
                    assertEquals(ReturnCode.ACCEPTED, s2.connect("s2", 60, true).returnCode());
                    assertEquals(ReturnCode.ACCEPTED, s1.subscribe("cmd/#", 1).returnCode());
                    assertEquals(ReturnCode.ACCEPTED, s2.subscribe("cmd/#", 1).returnCode());

                    s1.publish("sensors/temp", 1, false, "21.5".getBytes(StandardCharsets.UTF_8));
                    assertEquals("gw/1/s1/sensors/temp", probe.awaitMessages(1, WAIT).get(0).topic());

                    probe.publish("gw/1/s1/cmd/led", "for s1", 1, false);
                    probe.publish("gw/1/s2/cmd/led", "for s2", 1, false);
                    ReceivedMessage toS1 = s1.nextMessage(WAIT);
                    assertEquals("cmd/led", toS1.topic());
                    assertEquals("for s1", new String(toS1.payload(), StandardCharsets.UTF_8));
                    ReceivedMessage toS2 = s2.nextMessage(WAIT);
                    assertEquals("for s2", new String(toS2.payload(), StandardCharsets.UTF_8),
                            "s2's first message is its own: s1's never reached it");
                }
            }
        }
    }
}
