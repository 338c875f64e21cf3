package io.sngw.it;

import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.linksec.Direction;
import io.sngw.core.linksec.FrameProtection;
import io.sngw.core.linksec.LinkKeys;
import io.sngw.sim.client.ClientTransport;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ProtectedClientTransport;
import io.sngw.sim.client.ReceivedMessage;
import io.sngw.testing.ProbeMessage;
import io.sngw.testing.VirtualSerialPair;
import org.junit.jupiter.api.Test;

import io.sngw.deploy.CliRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Sensors speaking protected frames (docs/radio-security.md) through the deployed gateway to a real Mosquitto and
 * back, over real UDP and over a socat pty pair; what an attacker on the air can send is dropped and counted while
 * the legitimate sensor keeps being served.
 */
class RadioSecurityEndToEndTest extends RadioGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long DEVID = 0x0013a20041b2c3d4L;
    private static final byte[] K = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Connect, publish at QoS 0, 1 and 2, subscribe, receive, sleep and wake to what was kept. */
    private void fullSession(ClientTransport raw) {
        ProtectedClientTransport transport = new ProtectedClientTransport(raw, DEVID, K, 1, 0);
        try (MqttSnClient sensor = new MqttSnClient(transport, options())) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect("valve-1", 60, true));
            sensor.subscribe("radio/cmd/valve-1", 1);
            sensor.publish("radio/up", 0, false, bytes("q0"));
            sensor.publish("radio/up", 1, false, bytes("q1"));
            sensor.publish("radio/up", 2, false, bytes("q2"));
            List<ProbeMessage> got = probe.awaitMessages(3, WAIT);
            assertEquals(List.of("q0", "q1", "q2"), got.stream().map(ProbeMessage::payloadString).toList());

            probe.publish("radio/cmd/valve-1", "open", 1, false);
            ReceivedMessage down = sensor.nextMessage(WAIT);
            assertNotNull(down);
            assertEquals("open", new String(down.payload(), StandardCharsets.UTF_8));

            sensor.sleep(60);
            probe.publish("radio/cmd/valve-1", "close", 1, false);
            List<ReceivedMessage> kept = awaitWake(sensor);
            assertEquals(List.of("close"), kept.stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8))
                    .toList());
        }
        assertTrue(gateway.counter("linksec.frames.opened") >= 8);
        assertEquals(0, gateway.counter("linksec.dropped.bad.mic"));
    }

    /** The broker's message may reach the gateway after the sleep: wake until it has come. */
    private static List<ReceivedMessage> awaitWake(MqttSnClient sensor) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<ReceivedMessage> kept = sensor.wake();
            if (!kept.isEmpty()) {
                return kept;
            }
            sensor.sleep(60);
        }
        return List.of();
    }

    @Test
    void aProtectedSensorOverUdpPublishesAtEveryQosSubscribesSleepsAndWakes() {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        gateway.provision(DEVID, K, "valve-1");
        fullSession(gateway.udp());
    }

    @Test
    void aProtectedSensorOverASerialLinePublishesAtEveryQosSubscribesSleepsAndWakes() {
        assumeTrue(VirtualSerialPair.available(), "socat is not installed (apt-get install socat): skipped");
        gateway = RadioGateway.start(dir, broker.url(), "none", "required", false);
        gateway.provision(DEVID, K, "valve-1");
        fullSession(gateway.serial());
    }

    @Test
    void aProtectedSensorBehindAnXBeeModuleIsCarriedInTheRadioPayloadUnchanged() {
        assumeTrue(VirtualSerialPair.available(), "socat is not installed (apt-get install socat): skipped");
        gateway = RadioGateway.start(dir, broker.url(), "none", "required", false, "xbee-api2", "");
        gateway.provision(DEVID, K, "valve-1");
        try (MqttSnClient sensor = new MqttSnClient(new ProtectedClientTransport(gateway.xbeeNode(DEVID), DEVID, K,
                1, 0), options())) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect("valve-1", 60, true));
            sensor.subscribe("radio/cmd/valve-1", 1);
            sensor.publish("radio/up", 1, false, bytes("over xbee"));
            assertEquals("over xbee", probe.awaitMessages(1, WAIT).get(0).payloadString());
            probe.publish("radio/cmd/valve-1", "open", 1, false);
            assertEquals("open", new String(sensor.nextMessage(WAIT).payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void withAuthenticationOnAProtectedDeviceGetsItsAclsAsADtlsIdentityWould() throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false, "raw",
                "security: { require-auth: true }\n");
        Path cli = Files.writeString(dir.resolve("cli.yaml"), "store: { dir: \"" + dir.resolve("data") + "\" }\n");
        CliRun added = CliRun.sngw("devices", "add", "--config", cli.toString(), "valve-1", "--radio-id",
                "0013a20041b2c3d4", "--radio-key", HexFormat.of().formatHex(K), "--publish", "radio/%c/#");
        assertEquals(0, added.code(), added.err());
        try (MqttSnClient sensor = new MqttSnClient(new ProtectedClientTransport(gateway.udp(), DEVID, K, 1, 0),
                options())) {
            GatewayUnderTest.await("the device to reach the gateway",
                    () -> new ConnAck(ReturnCode.ACCEPTED).equals(sensor.connect("valve-1", 60, true)));
            assertEquals(ReturnCode.ACCEPTED,
                    sensor.publish("radio/valve-1/t", 1, false, bytes("mine")).returnCode());
            assertEquals(ReturnCode.INVALID_TOPIC_ID,
                    sensor.publish("radio/boiler/t", 1, false, bytes("not mine")).returnCode());
            assertEquals(List.of("mine"), probe.awaitMessages(1, WAIT).stream().map(ProbeMessage::payloadString)
                    .toList());
        }
    }

    @Test
    void replayedTamperedTruncatedAndUnknownFramesAreDroppedWhileTheSensorIsServed() throws Exception {
        gateway = RadioGateway.start(dir, broker.url(), "required", null, false);
        gateway.provision(DEVID, K, "valve-1");
        ProtectedClientTransport transport = new ProtectedClientTransport(gateway.udp(), DEVID, K, 1, 0);
        try (MqttSnClient sensor = new MqttSnClient(transport, options())) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect("valve-1", 60, true));
            byte[] ping = transport.seal(MqttSnCodec.encode(new PingReq(null)));
            transport.sendRaw(ping);
            transport.sendRaw(ping); // replayed
            byte[] tampered = transport.seal(MqttSnCodec.encode(new PingReq(null)));
            tampered[17] ^= 0x40;
            transport.sendRaw(tampered);
            transport.sendRaw(Arrays.copyOf(transport.seal(MqttSnCodec.encode(new PingReq(null))), 20));
            transport.sendRaw(FrameProtection.of(DEVID + 1, Direction.UPLINK, LinkKeys.derive(K, DEVID + 1))
                    .seal(1, MqttSnCodec.encode(new PingReq(null))));
            transport.sendRaw(MqttSnCodec.encode(new PingReq(null))); // plain, on a required link

            GatewayUnderTest.await("every bad frame counted", () -> gateway.counter("linksec.dropped.replay") == 1
                    && gateway.counter("linksec.dropped.bad.mic") == 1
                    && gateway.counter("linksec.dropped.length") == 1
                    && gateway.counter("linksec.dropped.unknown.device") == 1
                    && gateway.counter("linksec.dropped.plain.refused") == 1);
            sensor.publish("radio/up", 1, false, bytes("still here"));
            assertEquals("still here", probe.awaitMessages(1, WAIT).get(0).payloadString());
        }
    }

    @Test
    void aProtectedDeviceCannotConnectAsAnotherClient() {
        gateway = RadioGateway.start(dir, broker.url(), "optional", null, false);
        gateway.provision(DEVID, K, "valve-1");
        try (MqttSnClient sensor = new MqttSnClient(new ProtectedClientTransport(gateway.udp(), DEVID, K, 1, 0),
                options())) {
            assertEquals(new ConnAck(ReturnCode.NOT_SUPPORTED), sensor.connect("boiler", 60, true));
        }
        assertEquals(1, gateway.counter("connects.refused.auth"));
    }

    @Test
    void aClientIdBoundToARadioKeyCannotConnectOverPlainUdp() {
        gateway = RadioGateway.start(dir, broker.url(), "optional", null, false);
        gateway.provision(DEVID, K, "valve-1");
        try (MqttSnClient impostor = new MqttSnClient(gateway.app().udpAddress(), options())) {
            assertEquals(new ConnAck(ReturnCode.NOT_SUPPORTED), impostor.connect("valve-1", 60, true));
        }
        try (MqttSnClient plain = new MqttSnClient(gateway.app().udpAddress(), options())) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), plain.connect("plain-1", 60, true));
        }
    }
}
