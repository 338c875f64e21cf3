package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ReceivedMessage;
import io.sngw.sim.client.SerialClientLine;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.ProbeMessage;
import io.sngw.transport.serial.Framing;
import io.sngw.transport.serial.FramingError;
import io.sngw.transport.serial.SerialStats;
import io.sngw.transport.serial.XBeeApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sensors on serial lines (socat pty pairs) through the deployed gateway to a real Mosquitto and back. */
class SerialEndToEndTest extends SharedBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Every byte XBee API 2 escapes, and the raw framing's long-length marker, in one payload. */
    private static final byte[] AWKWARD = HexFormat.of().parseHex("7e7d11137e017d00ff13");

    @TempDir
    Path dir;

    private BrokerProbe probe;
    private SerialGateway gateway;

    @BeforeEach
    void probe() {
        probe = new BrokerProbe(broker.url());
        probe.subscribe("serial/#", 1);
    }

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
        probe.close();
    }

    @Test
    void aRawSerialSensorPublishesAtEveryQosAndReceivesWhatItSubscribedTo() {
        gateway = SerialGateway.start(dir, broker.url(), "raw");
        try (MqttSnClient sensor = new MqttSnClient(gateway.line(0).line(), SerialGateway.clientOptions())) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect("raw-1", 60, true));
            sensor.subscribe("serial/cmd/raw-1", 1);
            sensor.publish("serial/up", 1, false, bytes("q1"));
            sensor.publish("serial/up", 0, false, bytes("q0"));
            sensor.publish("serial/up", 2, false, AWKWARD);
            List<ProbeMessage> got = probe.awaitMessages(3, WAIT);
            assertEquals(List.of("q1", "q0"), got.subList(0, 2).stream().map(ProbeMessage::payloadString).toList());
            assertArrayEquals(AWKWARD, got.get(2).payload());

            probe.publish("serial/cmd/raw-1", AWKWARD, 1, false);
            ReceivedMessage down = sensor.nextMessage(WAIT);
            assertArrayEquals(AWKWARD, down.payload());
            assertEquals("serial/cmd/raw-1", down.topic());
        }
        SerialStats stats = gateway.link(0).stats();
        assertTrue(stats.framesIn() >= 7, stats.toString());
        assertEquals(0, stats.framingErrors(FramingError.IMPOSSIBLE_LENGTH), stats.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"xbee-api1", "xbee-api2"})
    void radioNodesBehindAnXBeeModuleAreSessionsOfTheirOwnAndEscapingEdgeCasesGoThroughBothWays(String framing) {
        gateway = SerialGateway.start(dir, broker.url(), framing);
        SerialClientLine line = gateway.line(0);
        // 0x7E, 0x7D, 0x11 and 0x13 in the addresses too.
        try (MqttSnClient a = new MqttSnClient(line.radio(0x0013A2007E7D1113L), SerialGateway.clientOptions());
             MqttSnClient b = new MqttSnClient(line.radio(0x0013A20040A1B2C3L), SerialGateway.clientOptions())) {
            a.connect("xbee-a", 60, true);
            b.connect("xbee-b", 60, true);
            a.subscribe("serial/cmd/a", 1);
            // Noise between frames, a frame with a bad checksum and a frame split in two do not stop the line.
            assertTrue(line.writeRaw(HexFormat.of().parseHex("00ff1355")));
            byte[] bad = xbee(0).frame(XBeeApi.receivePacket(0x0013A20040A1B2C3L, 1, 1,
                    HexFormat.of().parseHex("0216")));
            bad[bad.length - 1] ^= 0x01;
            assertTrue(line.writeRaw(bad));
            a.publish("serial/a", 1, false, AWKWARD);
            b.publish("serial/b", 1, false, bytes("from b"));
            List<ProbeMessage> got = probe.awaitMessages(2, WAIT);
            assertArrayEquals(AWKWARD, got.stream().filter(m -> m.topic().equals("serial/a")).findFirst()
                    .orElseThrow().payload());

            probe.publish("serial/cmd/a", AWKWARD, 1, false);
            assertArrayEquals(AWKWARD, a.nextMessage(WAIT).payload());
        }
        SerialStats stats = gateway.link(0).stats();
        assertEquals(1, stats.framingErrors(FramingError.BAD_CHECKSUM), stats.toString());
        assertTrue(stats.framingErrors(FramingError.NOISE) >= 1, stats.toString());
        GatewayUnderTest.await("the emulated module's transmit statuses", () -> stats.transmitStatusOk() >= 4);
    }

    @Test
    void aFrameSplitAcrossTwoReadsIsReassembled() {
        gateway = SerialGateway.start(dir, broker.url(), "xbee-api2");
        probe.subscribe("se", 0);
        // A QoS -1 PUBLISH (no connection needed) to the short topic "se", payload 00 7E 7D 11.
        byte[] frame = xbee(0).frame(XBeeApi.receivePacket(0x0013A20040A1B2C3L, 0x1234, 1,
                HexFormat.of().parseHex("0b0c627365000000 7e7d11".replace(" ", ""))));
        SerialStats stats = gateway.link(0).stats();
        long before = stats.bytesIn();
        assertTrue(gateway.line(0).writeRaw(Arrays.copyOfRange(frame, 0, 7)));
        GatewayUnderTest.await("the first half to be read on its own", () -> stats.bytesIn() >= before + 7);
        assertTrue(gateway.line(0).writeRaw(Arrays.copyOfRange(frame, 7, frame.length)));
        assertEquals("007e7d11", HexFormat.of().formatHex(probe.awaitMessages(1, WAIT).get(0).payload()));
        assertEquals(0, stats.framingErrors(FramingError.TRUNCATED));
    }

    @Test
    void threeSensorsBehindAForwarderOnOneSerialPortHaveASessionEach() {
        gateway = SerialGateway.start(dir, broker.url(), "raw");
        SerialClientLine line = gateway.line(0);
        List<MqttSnClient> nodes = List.of(
                new MqttSnClient(line.forwarded(new byte[] {1}), SerialGateway.clientOptions()),
                new MqttSnClient(line.forwarded(new byte[] {2}), SerialGateway.clientOptions()),
                new MqttSnClient(line.forwarded(HexFormat.of().parseHex("0013a2007e7d1113")),
                        SerialGateway.clientOptions()));
        try {
            for (int i = 0; i < nodes.size(); i++) {
                nodes.get(i).connect("fwd-" + i, 60, true);
                nodes.get(i).subscribe("serial/cmd/" + i, 1);
            }
            for (int i = 0; i < nodes.size(); i++) {
                nodes.get(i).publish("serial/fwd/" + i, 1, false, bytes("node " + i));
            }
            assertEquals(3, probe.awaitMessages(3, WAIT).size());
            for (int i = 0; i < nodes.size(); i++) {
                probe.publish("serial/cmd/" + i, "to " + i, 1, false);
            }
            for (int i = 0; i < nodes.size(); i++) {
                ReceivedMessage down = nodes.get(i).nextMessage(WAIT);
                assertNotNull(down, "node " + i + " got nothing; " + gateway.app().counters());
                assertEquals("to " + i, down.payloadAsString());
            }
        } finally {
            nodes.forEach(MqttSnClient::close);
        }
    }

    @Test
    void unplugAndReplugUnderLoadLosesNothingThatWasAcknowledged() throws Exception {
        gateway = SerialGateway.start(dir, broker.url(), "raw");
        SerialClientLine line = gateway.line(0);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (MqttSnClient sensor = new MqttSnClient(line.line(), SerialGateway.clientOptions())) {
            sensor.connect("plug-1", 120, false);
            AtomicBoolean stop = new AtomicBoolean();
            Thread load = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        if (sensor.publish("serial/plug", 1, false, bytes("m" + i)).returnCode()
                                == ReturnCode.ACCEPTED) {
                            acknowledged.add("m" + i);
                        }
                    } catch (RuntimeException e) {
                        // unanswered through all its resends while unplugged: not acknowledged, may or may not arrive
                    }
                }
            }, "serial-load");
            load.start();
            GatewayUnderTest.await("some traffic", () -> acknowledged.size() >= 20);
            gateway.pair(0).unplug();
            GatewayUnderTest.await("the gateway to close the port", () -> !gateway.link(0).isOpen());
            int before = acknowledged.size();
            long replugged = System.nanoTime();
            gateway.pair(0).replug();
            GatewayUnderTest.await("the port to be reopened", () -> gateway.link(0).isOpen());
            GatewayUnderTest.await("traffic to resume", () -> acknowledged.size() > before);
            long resumedMillis = (System.nanoTime() - replugged) / 1_000_000;
            GatewayUnderTest.await("more traffic", () -> acknowledged.size() >= before + 20);
            stop.set(true);
            load.join(30_000);
            System.out.println("serial replug: first acknowledged message " + resumedMillis + " ms after replug");
        }
        Set<String> arrived = ConcurrentHashMap.newKeySet();
        GatewayUnderTest.await("every acknowledged message at the broker", () -> {
            probe.messages().forEach(m -> arrived.add(m.payloadString()));
            return arrived.containsAll(acknowledged);
        });
        assertEquals(1, gateway.link(0).stats().reopens());
    }

    private Framing.XBee xbee(int port) {
        return (Framing.XBee) gateway.link(port).options().framing();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
