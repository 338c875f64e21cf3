package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.linksec.ProtectedDevices;
import io.sngw.deploy.CliRun;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.ProtectedClientTransport;
import io.sngw.sim.client.UdpClientTransport;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.FreePorts;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

import static io.sngw.deploy.CliRun.sngw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a gateway process in the middle of a protected sensor's traffic: after the restart no downlink
 * frame counter is used a second time (the gateway resumes past everything it had reserved), and the sensor's frames
 * go on being accepted with the counters it goes on with.
 */
class RadioCountersAcrossKillTest extends SharedBrokerTest {
    private static final long DEVID = 0x0013a20041b2c3d4L;
    private static final String KEY = "000102030405060708090a0b0c0d0e0f";

    @TempDir
    Path dir;

    private static List<String> afterRestart(BrokerProbe probe) {
        return probe.messages().stream().map(ProbeMessage::payloadString).filter(p -> p.startsWith("after "))
                .toList();
    }

    @Test
    void afterAKillNoDownlinkCounterIsReusedAndTheSensorIsStillAccepted() {
        InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
        String yaml = GatewayProcess.config(udp, broker.url(), "sngw-radio-kill", dir)
                .replace("port: " + udp.getPort() + " }", "port: " + udp.getPort() + ", link-security: optional }");
        try (GatewayProcess gateway = GatewayProcess.start(dir, yaml, udp);
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe("radio/kill", 1);
            CliRun added = sngw("devices", "add", "--config", gateway.config().toString(), "valve-1",
                    "--radio-id", HexFormat.of().toHexDigits(DEVID), "--radio-key", KEY);
            assertEquals(0, added.code(), added.err());

            // The sensor accepts only downlink counters above the last it accepted: a reused one would be dropped.
            ProtectedClientTransport sensorLink = new ProtectedClientTransport(UdpClientTransport.open(udp, null),
                    DEVID, HexFormat.of().parseHex(KEY), 1, 0);
            try (MqttSnClient sensor = new MqttSnClient(sensorLink, RadioGatewayTest.options())) {
                // The gateway learns of the key within its reload period (2 s).
                GatewayUnderTest.await("the key to reach the gateway",
                        () -> new ConnAck(ReturnCode.ACCEPTED).equals(sensor.connect("valve-1", 60, false)));
                for (int i = 0; i < 20; i++) {
                    sensor.publish("radio/kill", 1, false, ("before " + i).getBytes(StandardCharsets.UTF_8));
                }
                probe.awaitMessages(20, Duration.ofSeconds(10));
                long beforeKill = sensorLink.lastDownlinkCounter();
                assertTrue(beforeKill >= 21, "CONNACK and 20 PUBACKs: " + beforeKill);

                gateway.kill();
                gateway.restart();

                assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect("valve-1", 60, false));
                for (int i = 0; i < 20; i++) {
                    sensor.publish("radio/kill", 1, false, ("after " + i).getBytes(StandardCharsets.UTF_8));
                }
                // QoS 1 upstream: a "before" publish the killed gateway had not seen acknowledged may come again.
                GatewayUnderTest.await("the 20 publishes after the restart at the broker",
                        () -> afterRestart(probe).size() >= 20);
                assertEquals(IntStream.range(0, 20).mapToObj(i -> "after " + i).toList(),
                        afterRestart(probe).stream().distinct().toList(), () -> probe.messages().toString());
                assertEquals(0, sensorLink.dropped(), "no downlink frame with a used counter (or a bad MIC)");
                assertTrue(sensorLink.lastDownlinkCounter() > ProtectedDevices.BLOCK, "after the kill the gateway"
                        + " resumed past its reserved block: " + sensorLink.lastDownlinkCounter());
            }
        }
    }
}
