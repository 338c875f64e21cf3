package io.sngw.it;

import io.sngw.core.linksec.RadioKey;
import io.sngw.deploy.ConfigException;
import io.sngw.deploy.ConfigLoader;
import io.sngw.deploy.GatewayApp;
import io.sngw.sim.client.ClientTransport;
import io.sngw.sim.client.SerialClientLine;
import io.sngw.sim.client.UdpClientTransport;
import io.sngw.testing.VirtualSerialPair;
import io.sngw.transport.serial.SerialLink;
import io.sngw.transport.serial.SerialPortSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The deployed gateway with link security on plain UDP and on one raw serial port (a socat pty pair), its store in
 * {@code dir}/data: the fixture of the radio security end-to-end tests.
 */
final class RadioGateway implements AutoCloseable {
    private final VirtualSerialPair pair;
    private final GatewayApp app;
    private SerialClientLine line;

    private RadioGateway(VirtualSerialPair pair, GatewayApp app) {
        this.pair = pair;
        this.app = app;
    }

    /**
     * @param udpPolicy      link-security of udp
     * @param serialPolicy   link-security of the serial port, or null for no serial port
     * @param allowWithout   pairing.allow-without-install-code
     */
    static RadioGateway start(Path dir, String brokerUrl, String udpPolicy, String serialPolicy,
                              boolean allowWithout) {
        return start(dir, brokerUrl, udpPolicy, serialPolicy, allowWithout, "raw", "");
    }

    /**
     * @param framing   the serial port's framing (raw, xbee-api1, xbee-api2)
     * @param extraYaml more configuration (a {@code security:} section)
     */
    static RadioGateway start(Path dir, String brokerUrl, String udpPolicy, String serialPolicy,
                              boolean allowWithout, String framing, String extraYaml) {
        VirtualSerialPair pair = serialPolicy == null ? null : VirtualSerialPair.create(dir, "tty0");
        String yaml = "udp: { bind: \"127.0.0.1\", port: 0, link-security: " + udpPolicy + " }\n"
                + "upstream: { url: \"" + brokerUrl + "\", client-id: \"sngw-radio-" + System.nanoTime() + "\" }\n"
                + "store: { dir: \"" + dir.resolve("data") + "\" }\n"
                + "retry: { interval: 500ms, max: 4 }\n"
                + "pairing: { allow-without-install-code: " + allowWithout + " }\n"
                + "logging: { level: warning }\n" + extraYaml
                + (pair == null ? "" : "serial:\n  - { device: \"" + pair.gatewayEnd() + "\", baud: 115200, "
                + "framing: " + framing + ", link-security: " + serialPolicy + ", " + SerialGateway.FAST_REOPEN + " }\n");
        GatewayApp app;
        try {
            app = new GatewayApp(ConfigLoader.parse(yaml));
            app.start();
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RadioGateway gateway = new RadioGateway(pair, app);
        GatewayUnderTest.await("the bridge to connect", app::brokerConnected);
        if (pair != null) {
            GatewayUnderTest.await("the serial port to open",
                    () -> app.serialLinks().stream().allMatch(SerialLink::isOpen));
        }
        return gateway;
    }

    GatewayApp app() {
        return app;
    }

    /** Gives the gateway a key for {@code devid}, as {@code sngw devices add --radio-id --radio-key} does. */
    void provision(long devid, byte[] key, String clientId) {
        app.radioKeys().put(RadioKey.fresh(devid, key, clientId, RadioKey.Pairing.PROVISIONED, Instant.now()));
    }

    /** The sensor end of the pty pair, for a sensor in another process (nothing in this JVM may open it then). */
    Path sensorDevice() {
        return pair.sensorEnd();
    }

    /** A new UDP socket towards the gateway. */
    ClientTransport udp() {
        return UdpClientTransport.open(app.udpAddress(), null);
    }

    /** The sensor at the sensor end of the pty pair (one at a time: closing it frees the line for the next). */
    ClientTransport serial() {
        return sensorLine().line();
    }

    /** A radio node behind the XBee module at the sensor end of the pty pair (xbee framings). */
    ClientTransport xbeeNode(long address64) {
        return sensorLine().radio(address64);
    }

    private SerialClientLine sensorLine() {
        if (line == null) {
            line = SerialClientLine.open(SerialPortSettings.of(pair.sensorEnd().toString(), 115200)
                    .withReopen(Duration.ofMillis(50), Duration.ofMillis(500)),
                    app.serialLinks().get(0).options().framing());
            GatewayUnderTest.await("the sensor end to open", line::isOpen);
        }
        return line;
    }

    long counter(String key) {
        return app.counters().getOrDefault(key, 0L);
    }

    @Override
    public void close() {
        if (line != null) {
            line.close();
        }
        app.close();
        if (pair != null) {
            pair.close();
        }
    }
}
