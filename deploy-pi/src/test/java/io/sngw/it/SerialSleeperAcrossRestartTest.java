package io.sngw.it;

import io.sngw.core.codec.ReturnCode;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ReceivedMessage;
import io.sngw.sim.client.SerialClientLine;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.FreePorts;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.VirtualSerialPair;
import io.sngw.transport.serial.Framing;
import io.sngw.transport.serial.SerialPortSettings;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A sleeping sensor on a serial port does not notice that the gateway process was killed and started again while
 * it slept: its session's address (the port and, over XBee, its 64-bit radio address) was stored, so it wakes to
 * what was kept for it, and publishes with the topic id it registered before, without reconnecting.
 */
class SerialSleeperAcrossRestartTest {
    private static final long NODE = 0x0013A20040A1B2C3L;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"raw", "xbee-api2"})
    void aSerialSleeperWakesAfterAGatewayKillToItsKeptMessagesAndKeepsItsTopicIds(String framing) throws Exception {
        assumeTrue(VirtualSerialPair.available(), "socat is not installed (apt-get install socat): skipped");
        try (MosquittoBroker broker = MosquittoBroker.start();
             BrokerProbe probe = new BrokerProbe(broker.url());
             VirtualSerialPair pair = VirtualSerialPair.create(dir, "tty")) {
            probe.subscribe("sleep/out", 1);
            InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
            String yaml = GatewayProcess.config(udp, broker.url(), "sngw-serial-restart", dir)
                    .replace("level: warning", "level: info")
                    + "serial:\n  - { device: \"" + pair.gatewayEnd() + "\", framing: " + framing + ", "
                    + SerialGateway.FAST_REOPEN + " }\n";
            try (GatewayProcess gateway = GatewayProcess.start(dir, yaml, udp);
                 SerialClientLine line = SerialClientLine.open(SerialPortSettings.of(pair.sensorEnd().toString(),
                         9600), Framing.of(framing));
                 MqttSnClient sensor = new MqttSnClient(framing.equals("raw") ? line.line() : line.radio(NODE),
                         SerialGateway.clientOptions())) {
                try {
                    sleepAcrossRestart(gateway, line, sensor, probe);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(e.getMessage() + "\ngateway log:\n" + gateway.logTail(), e);
                }
            }
        }
    }

    private static void sleepAcrossRestart(GatewayProcess gateway, SerialClientLine line, MqttSnClient sensor,
                                           BrokerProbe probe) {
        GatewayUnderTest.await("the sensor end to open", line::isOpen);
        sensor.connect("serial-sleeper", 60, false);
        sensor.subscribe("sleep/in", 1);
        sensor.register("sleep/out");
        sensor.sleep(600);
        probe.publish("sleep/in", "kept-1", 1, false);
        // Asleep: nothing arrives. (As in the UDP sleeper test, this is also the store's time to commit the
        // registration: one answered in the last milliseconds before a kill may be lost, see the README.)
        assertNull(sensor.nextMessage(Duration.ofMillis(500)));

        gateway.kill();
        gateway.restart();

        // kept-1 reaches it from the store or, if the kill came first, from the broker's persistent session once the
        // restarted gateway has reconnected, which the sensor cannot see: it wakes until something has arrived.
        List<ReceivedMessage> woke = new ArrayList<>();
        for (int attempt = 0; attempt < 30 && woke.isEmpty(); attempt++) {
            woke.addAll(sensor.wake("serial-sleeper"));
            if (woke.isEmpty()) {
                probe.publish("sleep/in", "later-" + attempt, 1, false);
                ReceivedMessage early = sensor.nextMessage(Duration.ofMillis(500));
                if (early != null) {
                    woke.add(early);
                }
            }
        }
        assertEquals("sleep/in", woke.get(0).topic(), "woke to " + woke);
        // Its registration survived too: it publishes with the old id, asleep, without connecting again.
        assertEquals(ReturnCode.ACCEPTED, sensor.publish("sleep/out", 1, false,
                "from-bed".getBytes(StandardCharsets.UTF_8)).returnCode(), "woke to " + woke);
        assertEquals("from-bed", probe.awaitMessages(1, Duration.ofSeconds(10)).get(0).payloadString());
    }
}
