package io.sngw.it;

import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.RetryPolicy;
import io.sngw.testing.BrokerProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/** The radio end-to-end tests' frame: a {@link RadioGateway} per test, a probe on {@code radio/#} at Mosquitto. */
abstract class RadioGatewayTest extends SharedBrokerTest {
    @TempDir
    Path dir;

    protected BrokerProbe probe;
    protected RadioGateway gateway;

    @BeforeEach
    void probe() {
        probe = new BrokerProbe(broker.url());
        probe.subscribe("radio/#", 1);
    }

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
        probe.close();
    }

    /** Resends as a sensor on a lossy radio would make them. */
    static ClientOptions options() {
        return ClientOptions.defaults().withTimeout(Duration.ofSeconds(5))
                .withRetry(new RetryPolicy(Duration.ofMillis(700), 6));
    }
}
