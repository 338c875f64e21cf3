package io.sngw.broker.embedded;

import io.sngw.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that leaves while the embedded broker still acknowledges what it sent (as the bridge does when the gateway
 * stops during a backlog) costs one DEBUG line, not a SEVERE stack trace per acknowledgement.
 */
class EmbeddedBrokerQuietTest {
    private LogCapture moquette;
    private LogCapture ours;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        moquette = LogCapture.of("io.moquette", Level.WARNING);
        ours = LogCapture.of(EmbeddedBroker.class.getName(), Level.FINE);
        broker = new EmbeddedBroker("127.0.0.1", 0);
        broker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
        moquette.close();
        ours.close();
    }

    @Test
    void aClientLeavingWhileItsPublishesAreAcknowledgedIsNotSevere() throws Exception {
        // CONNECT and a thousand QoS 1 PUBLISHes in one go, then a reset: every PUBACK meets a closed connection.
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        burst.write(connect("leaver"));
        for (int id = 1; id <= 1000; id++) {
            burst.write(publishQos1("t/leaver", id));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", broker.port()));
            socket.setSoLinger(true, 0); // close = RST, as a process that is gone
            OutputStream out = socket.getOutputStream();
            out.write(burst.toByteArray());
            out.flush();
            socket.getInputStream().read(); // the CONNACK: the broker has started on the burst
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (ours.records().stream().noneMatch(r -> r.getMessage().startsWith("embedded broker: a client"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20); // nothing else to wait on: the broker's session loop has no hook
        }

        assertTrue(ours.records().stream().anyMatch(r -> r.getMessage().startsWith("embedded broker: a client")),
                "the broker never wrote to the closed connection: the test did not provoke what it is about");
        assertEquals(List.of(), moquette.records().stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(r -> r.getMessage() + " " + r.getThrown()).toList());
    }

    @Test
    void queueFullWarningsAreRateLimitedWithACountOfTheLeftOut() {
        EmbeddedBrokerLogFilter filter = new EmbeddedBrokerLogFilter(1, java.util.concurrent.TimeUnit.HOURS);
        LogRecord first = new LogRecord(Level.WARNING, "Session command queue 1 is full executing action PUB QoS1");
        assertTrue(filter.isLoggable(first));
        for (int i = 0; i < 99; i++) {
            assertEquals(false, filter.isLoggable(
                    new LogRecord(Level.WARNING, "Session command queue 1 is full executing action PUB QoS1")));
        }
        assertTrue(filter.isLoggable(new LogRecord(Level.WARNING, "something else")));
    }

    private static byte[] connect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        variable.writeBytes(new byte[]{0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, (byte) id.length});
        variable.writeBytes(id);
        return packet(0x10, variable.toByteArray());
    }

    private static byte[] publishQos1(String topic, int packetId) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream variable = new ByteArrayOutputStream();
        variable.writeBytes(new byte[]{0, (byte) t.length});
        variable.writeBytes(t);
        variable.writeBytes(new byte[]{(byte) (packetId >> 8), (byte) packetId, 'h', 'i'});
        return packet(0x32, variable.toByteArray());
    }

    private static byte[] packet(int header, byte[] rest) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(header);
        p.write(rest.length); // every packet here is under 128 bytes
        p.writeBytes(rest);
        return p.toByteArray();
    }
}
