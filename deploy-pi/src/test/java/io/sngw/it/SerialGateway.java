package io.sngw.it;

import io.sngw.deploy.ConfigException;
import io.sngw.deploy.ConfigLoader;
import io.sngw.deploy.GatewayApp;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.RetryPolicy;
import io.sngw.sim.client.SerialClientLine;
import io.sngw.testing.VirtualSerialPair;
import io.sngw.transport.serial.SerialLink;
import io.sngw.transport.serial.SerialPortSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployed gateway ({@link GatewayApp} from YAML) with serial ports on socat pty pairs, and the sensor side of
 * each pair as a {@link SerialClientLine}: the fixture of the serial end-to-end tests.
 */
final class SerialGateway implements AutoCloseable {
    /** Fast reopening, so that hot-plug tests take seconds, not the production backoff. */
    static final String FAST_REOPEN = "reopen-min: 50ms, reopen-max: 500ms";

    private final List<VirtualSerialPair> pairs = new ArrayList<>();
    private final List<SerialClientLine> lines = new ArrayList<>();
    private final Path dir;
    private GatewayApp app;

    private SerialGateway(Path dir) {
        this.dir = dir;
    }

    /**
     * A gateway on {@code brokerUrl} with one serial port per framing given (each on its own pty pair), its store
     * in {@code dir}/data; started and every port open.
     */
    static SerialGateway start(Path dir, String brokerUrl, String... framings) {
        assumeTrue(VirtualSerialPair.available(), "socat is not installed (apt-get install socat): skipped");
        SerialGateway gateway = new SerialGateway(dir);
        StringBuilder serial = new StringBuilder("serial:\n");
        for (int i = 0; i < framings.length; i++) {
            VirtualSerialPair pair = VirtualSerialPair.create(dir, "tty" + i);
            gateway.pairs.add(pair);
            serial.append("  - { device: \"").append(pair.gatewayEnd()).append("\", baud: 115200, framing: ")
                    .append(framings[i]).append(", ").append(FAST_REOPEN).append(" }\n");
        }
        String yaml = "udp: { bind: \"127.0.0.1\", port: 0 }\n"
                + "upstream: { url: \"" + brokerUrl + "\", client-id: \"sngw-serial-" + System.nanoTime() + "\" }\n"
                + "store: { dir: \"" + dir.resolve("data") + "\" }\n"
                + "retry: { interval: 500ms, max: 4 }\n"
                + "logging: { level: warning }\n" + serial;
        try {
            gateway.app = new GatewayApp(ConfigLoader.parse(yaml));
            gateway.app.start();
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GatewayUnderTest.await("the bridge to connect to " + brokerUrl, gateway.app::brokerConnected);
        GatewayUnderTest.await("every serial port to open",
                () -> gateway.app.serialLinks().stream().allMatch(SerialLink::isOpen));
        return gateway;
    }

    /** The sensor side of port {@code i}, opened (once) with the port's framing. */
    SerialClientLine line(int i) {
        while (lines.size() <= i) {
            int n = lines.size();
            SerialLink link = app.serialLinks().get(n);
            SerialClientLine line = SerialClientLine.open(SerialPortSettings.of(pairs.get(n).sensorEnd().toString(),
                    115200).withReopen(Duration.ofMillis(50), Duration.ofMillis(500)), link.options().framing());
            lines.add(line);
            GatewayUnderTest.await("the sensor end of " + link.name() + " to open", line::isOpen);
        }
        return lines.get(i);
    }

    VirtualSerialPair pair(int i) {
        return pairs.get(i);
    }

    SerialLink link(int i) {
        return app.serialLinks().get(i);
    }

    GatewayApp app() {
        return app;
    }

    /** Client options for serial sensors: resends as a sensor on a lossy line would make them. */
    static ClientOptions clientOptions() {
        return ClientOptions.defaults().withTimeout(Duration.ofSeconds(5))
                .withRetry(new RetryPolicy(Duration.ofMillis(700), 6));
    }

    @Override
    public void close() {
        lines.forEach(SerialClientLine::close);
        if (app != null) {
            app.close();
        }
        pairs.forEach(VirtualSerialPair::close);
    }
}
