package io.sngw.deploy;

import io.sngw.core.Gateway;
import io.sngw.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A malformed datagram leaves one INFO line per address and reason, with the address; repeats stay at DEBUG. */
class MalformedDatagramLogTest {
    private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

    private final List<String> info = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel() == Level.INFO && record.getMessage().startsWith("dropped malformed")) {
                info.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level before;
    private GatewayApp gateway;

    @BeforeEach
    void start() throws Exception {
        before = LOG.getLevel();
        LOG.setLevel(Level.INFO);
        LOG.addHandler(capture);
        gateway = new GatewayApp(ConfigLoader.parse("udp: { bind: \"127.0.0.1\", port: 0 }\n"
                + "upstream: { embedded-port: " + FreePorts.tcp() + " }\nstore: { dir: none }\n"));
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        LOG.removeHandler(capture);
        LOG.setLevel(before);
    }

    @Test
    void oncePerAddressAndReason() throws Exception {
        InetSocketAddress to = gateway.udpAddress();
        try (DatagramSocket sensor = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (byte[] garbage : List.of(new byte[] {0x02}, new byte[] {0x02}, new byte[] {0x02},
                    new byte[] {0x02, 0x03})) {  // three too short, one of a reserved type
                sensor.send(new DatagramPacket(garbage, garbage.length, to));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (gateway.counters().getOrDefault("malformed", 0L) < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the counters have no change notification
            }
            assertEquals(4L, gateway.counters().get("malformed"), gateway.counters().toString());

            String address = "127.0.0.1:" + sensor.getLocalPort();
            assertEquals(2, info.size(), info.toString());
            assertTrue(info.stream().anyMatch(l -> l.contains(address) && l.contains("TOO_SHORT")), info.toString());
            assertTrue(info.stream().anyMatch(l -> l.contains(address) && l.contains("RESERVED_TYPE")), info.toString());
        }
    }
}
