package io.sngw.sim.load;

import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.MqttSnClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One address flooding the gateway with valid QoS 0 PUBLISHes (issue 14's attack): it connects and registers a topic
 * like a sensor, then sends the same PUBLISH from the same socket, unpaced or at a rate, for a bounded time. For the
 * fairness benchmark ({@code bench/flood}); loopback only, like the load generator.
 *
 * <p>Command line: {@code Flood HOST:PORT RATE DURATION} with RATE datagrams a second (0 = unpaced) and DURATION
 * as the load generator reads it (10s, 2m). Prints the datagrams sent and its source address.
 */
public final class Flood {
    private Flood() {
    }

    /**
     * Sends for {@code duration}; returns the datagrams sent.
     *
     * @param ratePerSecond 0 for as fast as the socket takes them
     */
    public static long run(InetSocketAddress gateway, int ratePerSecond, Duration duration, String clientId) {
        InetSocketAddress from;
        byte[] publish;
        try (MqttSnClient flooder = new MqttSnClient(gateway, ClientOptions.defaults().withTimeout(Duration.ofSeconds(10)))) {
            if (flooder.connect(clientId, 600, true).returnCode() != ReturnCode.ACCEPTED) {
                throw new IllegalStateException("the flooder's CONNECT was refused");
            }
            int topicId = flooder.register("flood/" + clientId).topicId();
            publish = MqttSnCodec.encode(new Publish(false, 0, false, new TopicRef.Registered(topicId), 0,
                    "flood".getBytes(StandardCharsets.US_ASCII)));
            from = flooder.localAddress();
        }
        // The same address as the session, on a connected channel with one buffer: as fast as one thread sends.
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(from);
            channel.connect(gateway);
            ByteBuffer datagram = ByteBuffer.wrap(publish);
            System.err.println("flood: from " + from + " at " + (ratePerSecond == 0 ? "full speed" : ratePerSecond + "/s")
                    + " for " + duration);
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long sent = 0;
            long now;
            while ((now = System.nanoTime()) - end < 0) {
                if (ratePerSecond > 0) {
                    long due = (now - start) * ratePerSecond / TimeUnit.SECONDS.toNanos(1);
                    if (sent >= due) {
                        LockSupport.parkNanos(200_000); // a fifth of a millisecond: smooth enough at 60k/s
                        continue;
                    }
                }
                for (int burst = 0; burst < 64; burst++) {
                    datagram.rewind();
                    try {
                        channel.write(datagram);
                    } catch (PortUnreachableException e) {
                        // ICMP from a moment the gateway was not there: a flooder does not care
                    }
                    sent++;
                }
            }
            return sent;
        } catch (IOException e) {
            throw new UncheckedIOException("flood: " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: Flood HOST:PORT RATE(0 = unpaced) DURATION");
            System.exit(2);
        }
        InetSocketAddress gateway = LoadOptions.parseHostPort(args[0]);
        if (!gateway.getAddress().isLoopbackAddress()) {
            System.err.println("flood: the gateway must be on a loopback address: " + gateway);
            System.exit(2);
        }
        Duration duration = LoadGeneratorCommand.parseDuration(args[2]);
        long sent = run(gateway, Integer.parseInt(args[1]), duration, "flooder");
        System.out.printf("flood: %d datagrams in %s (%.0f/s)%n", sent, duration, sent / (duration.toMillis() / 1000.0));
    }
}
