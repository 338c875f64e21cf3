package io.sngw.transport.udp;

import io.netty.channel.epoll.Epoll;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A flooder the core keeps refusing is read on a socket of its own, and no other sensor ever is. */
class QuarantineSteeringTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private volatile boolean refuseFlooder = true;
    private volatile LinkAddress flooderAddress;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private DatagramSocket socket() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        toClose.add(socket);
        return socket;
    }

    private static void send(DatagramSocket from, UdpTransport to, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(LOOPBACK, to.localAddress().getPort())));
    }

    @Test
    void aFlooderTheCoreRefusesIsReadOnItsOwnSocketAndNoOtherSensorIs() throws Exception {
        assumeTrue(Epoll.isAvailable(), "steering needs native epoll");
        RecordingReceiver receiver = new RecordingReceiver() {
            @Override
            public boolean admit(Link link, LinkAddress from) {
                return !(refuseFlooder && from.equals(flooderAddress));
            }
        };
        UdpTransport transport = new UdpTransport(UdpOptions.loopbackEphemeral().withChannels(2)
                .withIo(DatagramIo.EPOLL), receiver);
        toClose.add(transport);
        transport.start();
        assertTrue(transport.steersFlooders());
        assertEquals(3, transport.kernelDrops().size(), "two sockets for everyone and one for flooders");

        DatagramSocket flooder = socket();
        InetSocketAddress flooderSocket = (InetSocketAddress) flooder.getLocalSocketAddress();
        flooderAddress = new UdpAddress(flooderSocket);
        long deadline = System.nanoTime() + RecordingReceiver.WAIT.toNanos();
        for (int i = 0; !transport.isQuarantined(flooderSocket); i++) {
            assertTrue(System.nanoTime() < deadline, "not quarantined after " + i + " refused datagrams");
            send(flooder, transport, "flood");
            if (i % 256 == 255) {
                Thread.sleep(1); // leave the reader room: the point is refusals, not kernel drops
            }
        }
        assertTrue(transport.stats().shed() >= InboundHandler.QUARANTINE_AFTER_SHEDS);

        refuseFlooder = false;
        send(flooder, transport, "flooder again");
        List<DatagramSocket> sensors = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            DatagramSocket sensor = socket();
            sensors.add(sensor);
            send(sensor, transport, "sensor " + i);
        }
        Set<String> sensorThreads = new HashSet<>();
        String flooderThread = null;
        for (int seen = 0; seen < 33; ) {
            RecordingReceiver.Received r = receiver.next();
            String text = new String(r.datagram(), StandardCharsets.US_ASCII);
            if (text.equals("flood")) {
                continue; // sent before the quarantine took, admitted now
            }
            seen++;
            if (text.equals("flooder again")) {
                flooderThread = r.thread();
            } else {
                sensorThreads.add(r.thread());
            }
        }
        assertTrue(flooderThread.contains("quarantine"), flooderThread);
        assertFalse(sensorThreads.stream().anyMatch(t -> t.contains("quarantine")), sensorThreads::toString);
        assertEquals(2, sensorThreads.size(), "the other sensors spread over both sockets: " + sensorThreads);
    }

    @Test
    void theProgramSendsQuarantinedSourcesToTheLastSocketAndHashesTheRest() {
        List<InetSocketAddress> sources = List.of(new InetSocketAddress("10.0.0.1", 1000),
                new InetSocketAddress("10.0.0.2", 2000));
        int[][] program = QuarantineSteering.program(sources, 3);
        assertEquals(3 + 4 * 2 + 8 + 2, program.length);
        int quarantine = program.length - 2;
        assertEquals(List.of(0x06, 2), List.of(program[quarantine][0], program[quarantine][3]), "ret #2");
        for (int i = 0; i < program.length; i++) {
            if (program[i][0] == 0x15) { // every jump lands inside the program
                assertTrue(i + 1 + program[i][1] < program.length && i + 1 + program[i][2] < program.length);
            }
        }
        // The port test of each source jumps to "ret quarantine".
        assertEquals(quarantine, 6 + 1 + program[6][1]);
        assertEquals(quarantine, 10 + 1 + program[10][1]);
    }
}
