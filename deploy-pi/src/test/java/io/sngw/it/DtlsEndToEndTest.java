package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.DtlsCredentials;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ReceivedMessage;
import io.sngw.testing.OpenSslDtlsClient;
import io.sngw.testing.ProbeMessage;
import io.sngw.transport.udp.dtls.DtlsStats;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MQTT-SN inside DTLS through the real gateway and a real Mosquitto: the project's client library (Bouncy Castle's
 * DTLS client) and OpenSSL's s_client, an independent implementation, as sensors.
 */
class DtlsEndToEndTest extends EndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, byte[]> KEYS = Map.of(
            "dtls-sensor", HexFormat.of().parseHex("6b6579206f662064746c732d73656e73"),
            "dtls-sleeper", HexFormat.of().parseHex("6b6579206f662064746c732d736c6565"),
            "openssl-sensor", HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"));

    @Override
    protected GatewayUnderTest startGateway() {
        return GatewayUnderTest.startWithDtls(broker.url(), KEYS);
    }

    @BeforeEach
    void subscribeProbe() {
        probe.subscribe("dtls/#", 1);
    }

    private InetSocketAddress dtlsAddress() {
        return new InetSocketAddress("127.0.0.1", gateway.dtlsAddress().getPort());
    }

    private MqttSnClient client(String identity) {
        return MqttSnClient.overDtls(dtlsAddress(), DtlsCredentials.psk(identity, KEYS.get(identity)),
                ClientOptions.defaults().withTimeout(WAIT));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void clientLibraryConnectsRegistersPublishesSubscribesAndReceivesOverDtls() {
        try (MqttSnClient client = client("dtls-sensor")) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), client.connect("dtls-sensor", 60, true));
            RegAck regAck = client.register("dtls/up");
            assertEquals(ReturnCode.ACCEPTED, regAck.returnCode());
            PubAck pubAck = client.publish("dtls/up", 1, false, bytes("sealed"));
            assertEquals(ReturnCode.ACCEPTED, pubAck.returnCode());
            List<ProbeMessage> up = probe.awaitMessages(1, WAIT);
            assertEquals("dtls/up", up.get(0).topic());
            assertEquals("sealed", up.get(0).payloadString());

            SubAck subAck = client.subscribe("dtls/down", 1);
            assertEquals(ReturnCode.ACCEPTED, subAck.returnCode());
            probe.publish("dtls/down", "to the sensor", 1, false);
            ReceivedMessage down = client.awaitMessages(1, WAIT).get(0);
            assertEquals("dtls/down", down.topic());
            assertEquals("to the sensor", down.payloadAsString());
            assertEquals(1, down.qos());
        }
        // The sensor's PUBACK for the downward message may still be in flight when the client returns.
        GatewayUnderTest.await("CONNECT, REGISTER, PUBLISH, SUBSCRIBE and PUBACK through DTLS",
                () -> gateway.dtlsStats().messagesIn() >= 5);
        DtlsStats s = gateway.dtlsStats();
        assertEquals(1, s.handshakesCompleted(), s.toString());
        assertEquals(0, gateway.metrics().snapshot().entrySet().stream()
                .filter(e -> e.getKey().startsWith("malformed.")).mapToLong(Map.Entry::getValue).sum(),
                "the core got whole MQTT-SN messages");
    }

    @Test
    void openSslSendsAConnectInsideDtlsAndGetsTheConnack() throws Exception {
        assumeTrue(OpenSslDtlsClient.available(), "openssl is not installed");
        byte[] connect = {0x14, 0x04, 0x04, 0x01, 0x00, 0x3c,
            'o', 'p', 'e', 'n', 's', 's', 'l', '-', 's', 'e', 'n', 's', 'o', 'r'};
        try (OpenSslDtlsClient openssl = OpenSslDtlsClient.psk(dtlsAddress(), "openssl-sensor",
                KEYS.get("openssl-sensor"), "PSK-AES128-CCM8")) {
            assertTrue(openssl.awaitHandshake(WAIT), openssl.output());
            assertEquals("PSK-AES128-CCM8", openssl.cipher());

            openssl.write(connect);

            assertTrue(openssl.awaitBytes(new byte[] {0x03, 0x05, 0x00}, WAIT), "CONNACK accepted: "
                    + openssl.output());
        }
    }

    @Test
    void aSleepingSensorKeepsItsDtlsSessionAcrossItsSleep() {
        try (MqttSnClient sleeper = client("dtls-sleeper")) {
            sleeper.connect("dtls-sleeper", 60, true);
            sleeper.subscribe("dtls/sleep", 1);
            sleeper.sleep(60);

            probe.publish("dtls/sleep", "while you slept", 1, false);
            // Asleep: the gateway keeps it (and the listener keeps the session, the idle timeout being longer).
            assertEquals(null, sleeper.nextMessage(Duration.ofMillis(500)));
            List<ReceivedMessage> buffered = sleeper.wake();

            assertEquals(1, buffered.size(), buffered.toString());
            assertEquals("while you slept", buffered.get(0).payloadAsString());
        }
        assertEquals(1, gateway.dtlsStats().handshakesCompleted(), "one handshake: the session outlived the sleep");
    }
}
