package io.sngw.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class MosquittoBrokerTest {

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void startedBrokerAcceptsConnectionsOnItsLoopbackPort() {
        try (MosquittoBroker broker = MosquittoBroker.start()) {
            assertTrue(broker.isRunning());
            assertEquals("tcp://127.0.0.1:" + broker.port(), broker.url());
            assertTrue(accepts(broker.port()));
        }
    }

    @Test
    void stopThenRestartServesTheSamePortAgain() {
        try (MosquittoBroker broker = MosquittoBroker.start()) {
            int port = broker.port();
            broker.stop();
            assertFalse(broker.isRunning());
            assertFalse(accepts(port));
            broker.restart();
            assertEquals(port, broker.port());
            assertTrue(accepts(port));
        }
    }

    @Test
    void closeRemovesTheTemporaryDirectory() {
        MosquittoBroker broker = MosquittoBroker.start();
        Path dir = broker.logFile().getParent();
        assertTrue(Files.isDirectory(dir));
        broker.close();
        assertFalse(Files.exists(dir));
        assertFalse(broker.isRunning());
    }

    @Test
    void probeSeesWhatAnotherProbePublishes() {
        try (MosquittoBroker broker = MosquittoBroker.start();
                BrokerProbe subscriber = new BrokerProbe(broker.url());
                BrokerProbe publisher = new BrokerProbe(broker.url())) {
            assertEquals(2, subscriber.subscribe("a/#", 2));
            publisher.publish("a/b", "hello", 1, false);
            List<ProbeMessage> got = subscriber.awaitMessages(1, Duration.ofSeconds(5));
            assertEquals("a/b", got.get(0).topic());
            assertEquals("hello", got.get(0).payloadString());
            assertEquals(1, got.get(0).qos());
        }
    }

    @Test
    void awaitTimeoutListsWhatArrived() {
        try (MosquittoBroker broker = MosquittoBroker.start(); BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe("x", 1);
            probe.publish("x", "only", 1, false);
            probe.awaitMessages(1, Duration.ofSeconds(5));
            ProbeTimeoutException e = assertThrows(ProbeTimeoutException.class,
                    () -> probe.awaitMessages(2, Duration.ofMillis(100)));
            assertEquals("expected 2 message(s) within 100 ms, got 1: [x qos1 'only' (4 bytes)]", e.getMessage());
        }
    }

    @Test
    void freePortsAreBindable() throws IOException {
        int tcp = FreePorts.tcp();
        try (java.net.ServerSocket s = new java.net.ServerSocket(tcp, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(tcp, s.getLocalPort());
        }
        int udp = FreePorts.udp();
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(udp, InetAddress.getLoopbackAddress())) {
            assertEquals(udp, s.getLocalPort());
        }
    }
}
