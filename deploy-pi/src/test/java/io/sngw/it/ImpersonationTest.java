package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.security.Device;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.DtlsCredentials;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ReceivedMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The three impersonations a black-box probe found (issue 14), performed against the real gateway: each fails, and the
 * device whose id was borrowed keeps being served. Plain UDP proves nothing; a device with a credential is itself only
 * over a link that proved it, and a session is taken over or woken elsewhere only with the proof it was made with.
 */
class ImpersonationTest extends EndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] VALVE_KEY = HexFormat.of().parseHex("7a17e0007a17e0007a17e0007a17e000");

    @TempDir
    Path dir;

    @Override
    protected GatewayUnderTest startGateway() {
        return GatewayUnderTest.startWithDtlsAndAuth(broker.url(), dir);
    }

    @BeforeEach
    void registerDevicesAndSubscribeProbe() {
        // A DTLS device (it has a key) and a plain-UDP meter (registered without a credential).
        gateway.devices().put(new Device("valve", VALVE_KEY, null, List.of("#"), List.of("#"), true, Instant.now(), null));
        gateway.devices().put(new Device("meter", null, null, List.of("#"), List.of("#"), true, Instant.now(), null));
        probe.subscribe("valves/#", 1);
    }

    private MqttSnClient valveOverDtls() {
        return dtlsClient(gateway, "valve", VALVE_KEY);
    }

    private static MqttSnClient dtlsClient(GatewayUnderTest gateway, String identity, byte[] key) {
        InetSocketAddress dtls = new InetSocketAddress("127.0.0.1", gateway.dtlsAddress().getPort());
        return MqttSnClient.overDtls(dtls, DtlsCredentials.psk(identity, key), ClientOptions.defaults().withTimeout(WAIT));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPlainUdpConnectWithTheIdOfADtlsDeviceIsRefusedAndTheDeviceKeepsPublishing() {
        try (MqttSnClient valve = valveOverDtls(); Sensor attacker = gateway.sensor()) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), valve.connect("valve", 60, true));

            attacker.send(new Connect(false, true, 60, "valve"));
            attacker.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
            attacker.send(new Connect(false, false, 60, "valve")); // nor with CleanSession=false
            attacker.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));

            PubAck ack = valve.publish("valves/valve/state", 1, false, bytes("open"));
            assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
            assertEquals("open", probe.awaitMessages(1, WAIT).get(0).payloadString());
            assertEquals(2, gateway.metrics().get(Counter.CONNECTS_REFUSED_AUTH));
            assertEquals(0, gateway.metrics().get(Counter.TAKEOVERS));
        }
    }

    @Test
    void aPingReqNamingASleepingDtlsDeviceFromPlainUdpGetsDisconnectAndNotItsMessages() {
        try (MqttSnClient valve = valveOverDtls(); Sensor attacker = gateway.sensor()) {
            valve.connect("valve", 60, false);
            valve.subscribe("commands/valve", 1);
            valve.sleep(60);
            probe.publish("commands/valve", "close", 1, false);

            attacker.send(new PingReq("valve"));
            attacker.expect(new Disconnect());
            attacker.expectNothing(Duration.ofMillis(300));

            List<ReceivedMessage> kept = valve.wake();
            assertEquals(List.of("close"), kept.stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList());
            assertEquals(1, gateway.metrics().get(Counter.WAKES_REFUSED));
        }
    }

    @Test
    void aPingReqNamingASleepingUdpSensorFromAnotherAddressIsRefusedAndTheSensorStillGetsItsMessages() {
        try (Sensor meter = gateway.sensor(); Sensor attacker = gateway.sensor()) {
            meter.connect("meter", 60, false);
            int topicId = meter.subscribe("commands/meter", 1, 1).topicId();
            meter.send(new Disconnect(60));
            meter.expect(new Disconnect());
            probe.publish("commands/meter", "reset", 1, false);

            attacker.send(new PingReq("meter"));
            attacker.expect(new Disconnect());
            attacker.expectNothing(Duration.ofMillis(300));

            List<Publish> kept = meter.wakeAndAcknowledge("meter", topicId);
            assertEquals(List.of("reset"), kept.stream().map(p -> new String(p.data(), StandardCharsets.UTF_8)).toList());
            assertEquals(1, gateway.metrics().get(Counter.WAKES_REFUSED));
        }
    }

    /**
     * Without require-auth the registry admits everyone, yet a session a link proved keeps asking for that proof: a
     * CONNECT(clean=false) with its id from plain UDP does not take it over.
     */
    @Test
    void aSessionProvedOverDtlsIsNotTakenOverFromPlainUdpEvenWithoutRequireAuth() {
        try (GatewayUnderTest open = GatewayUnderTest.startWithDtls(broker.url(), Map.of("valve", VALVE_KEY));
             MqttSnClient valve = dtlsClient(open, "valve", VALVE_KEY); Sensor attacker = open.sensor()) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), valve.connect("valve", 60, false));

            attacker.send(new Connect(false, false, 60, "valve"));
            attacker.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));

            assertEquals(ReturnCode.ACCEPTED, valve.publish("valves/valve/state", 1, false, bytes("still mine")).returnCode());
            assertEquals("still mine", probe.awaitMessages(1, WAIT).get(0).payloadString());
            assertEquals(1, open.metrics().get(Counter.TAKEOVERS_REFUSED));
            assertEquals(0, open.metrics().get(Counter.TAKEOVERS));
        }
    }

    @Test
    void aDeviceWithACredentialIsRefusedOnPlainUdpEvenWhenNobodyHoldsItsSession() {
        try (Sensor attacker = gateway.sensor(); MqttSnClient valve = valveOverDtls()) {
            attacker.send(new Connect(false, true, 60, "valve"));
            attacker.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), valve.connect("valve", 60, true));
        }
    }

    @Test
    void aDeviceWithoutACredentialIsStillAdmittedOnPlainUdp() {
        try (Sensor meter = gateway.sensor()) {
            meter.connect("meter");
            meter.send(new PingReq());
            meter.expect(new PingResp());
        }
    }
}
