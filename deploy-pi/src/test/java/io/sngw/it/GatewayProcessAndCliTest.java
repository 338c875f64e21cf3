package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.ReturnCode;
import io.sngw.deploy.CliRun;
import io.sngw.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import static io.sngw.deploy.CliRun.sngw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sngw run} as its own process, and the command line beside it on the same store directory, as on a Pi: a
 * second {@code run} is refused, the {@code devices} commands work, and what they change reaches live sessions.
 */
class GatewayProcessAndCliTest extends SharedBrokerTest {
    @TempDir
    Path dir;

    private GatewayProcess start(String extraYaml) {
        InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
        return GatewayProcess.start(dir, GatewayProcess.config(udp, broker.url(), "sngw-cli-test", dir) + extraYaml, udp);
    }

    @Test
    void aSecondRunOnTheSameStoreDirectoryExitsWithAnErrorNamingTheDirectoryAndThePidHoldingIt() {
        try (GatewayProcess running = start("")) {
            CliRun second = sngw("run", "--config", running.config().toString());

            assertEquals(1, second.code());
            assertTrue(second.err().contains(dir.resolve("data") + " is in use by another gateway (pid "
                    + running.pid() + ")"), second.err());
        }
    }

    @Test
    void devicesDisableWhileTheGatewayRunsEndsTheSensorsSessionAndItsReconnectIsRefused() {
        try (GatewayProcess running = start("security: { require-auth: true }\n")) {
            String config = "--config=" + running.config();
            assertEquals(0, sngw("devices", "add", config, "meter-1").code());
            try (Sensor sensor = new Sensor(running.udpAddress())) {
                awaitAdmitted(sensor, "meter-1");

                CliRun disable = sngw("devices", "disable", config, "meter-1");

                assertEquals(0, disable.code(), disable.err());
                sensor.expect(new Disconnect()); // within the gateway's reload period of 2 s
                sensor.send(new Connect(false, true, 60, "meter-1"));
                sensor.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
            }
        }
    }

    /** A device the CLI adds is admitted once the gateway has reloaded its registry: up to 2 s. */
    private static void awaitAdmitted(Sensor sensor, String clientId) {
        GatewayUnderTest.await(clientId + " to be admitted", () -> {
            sensor.send(new Connect(false, true, 60, clientId));
            return new ConnAck(ReturnCode.ACCEPTED).equals(sensor.receive(Sensor.WAIT));
        });
    }
}
