package io.sngw.it;

import io.sngw.testing.BrokerProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture most end-to-end tests share: on the class's {@linkplain SharedBrokerTest shared broker}, a fresh
 * gateway connected to it and a fresh {@link BrokerProbe} on it for each test.
 *
 * <p>A class varies the gateway by overriding {@link #startGateway()} (fields such as a {@code @TempDir} are
 * already injected then), and subscribes the probe, or registers devices, in a {@code @BeforeEach} of its own,
 * which JUnit runs after this class's. Tests that start their gateway per test with other options extend
 * {@link SharedBrokerTest} instead; tests that manage their own broker or gateway processes use neither.
 */
abstract class EndToEndTest extends SharedBrokerTest {
    protected GatewayUnderTest gateway;
    protected BrokerProbe probe;

    /** The gateway of one test; by default with the default options, connected to {@link #broker}. */
    protected GatewayUnderTest startGateway() {
        return GatewayUnderTest.start(broker.url());
    }

    @BeforeEach
    void startGatewayAndProbe() {
        gateway = startGateway();
        probe = new BrokerProbe(broker.url());
    }

    @AfterEach
    void stopGatewayAndProbe() {
        probe.close();
        gateway.close();
    }
}
