package io.sngw.deploy;

import io.sngw.core.Gateway;
import io.sngw.testing.FreePorts;
import io.sngw.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A malformed datagram leaves one INFO line per address and reason, with the address; repeats stay at DEBUG. */
class MalformedDatagramLogTest {
    private final LogCapture log = LogCapture.of(Gateway.class.getName(), Level.INFO);
    private GatewayApp gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = new GatewayApp(ConfigLoader.parse("udp: { bind: \"127.0.0.1\", port: 0 }\n"
                + "upstream: { embedded-port: " + FreePorts.tcp() + " }\nstore: { dir: none }\n"));
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        log.close();
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
            List<String> info = log.messages(Level.INFO).stream().filter(l -> l.startsWith("dropped malformed")).toList();
            assertEquals(2, info.size(), info.toString());
            assertTrue(info.stream().anyMatch(l -> l.contains(address) && l.contains("TOO_SHORT")), info.toString());
            assertTrue(info.stream().anyMatch(l -> l.contains(address) && l.contains("RESERVED_TYPE")), info.toString());
        }
    }
}
