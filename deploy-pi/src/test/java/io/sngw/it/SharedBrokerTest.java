package io.sngw.it;

import io.sngw.testing.MosquittoBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Mosquitto for a whole test class, started before its first test and closed after its last. Tests that stop,
 * restart or reconfigure their broker (crash, outage, restart, queue bounds) start their own instead.
 */
abstract class SharedBrokerTest {
    protected static MosquittoBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = MosquittoBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }
}
