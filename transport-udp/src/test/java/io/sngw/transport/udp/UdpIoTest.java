package io.sngw.transport.udp;

import io.netty.channel.epoll.Epoll;
import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** How the sockets are read (native epoll or NIO), and what a receiver refuses before it is copied. */
class UdpIoTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private UdpTransport start(UdpOptions options, RecordingReceiver receiver) {
        UdpTransport transport = new UdpTransport(options, receiver);
        toClose.add(transport);
        transport.start();
        return transport;
    }

    private DatagramSocket sensor() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        socket.setSoTimeout((int) RecordingReceiver.WAIT.toMillis());
        toClose.add(socket);
        return socket;
    }

    private static void send(DatagramSocket from, UdpTransport to, byte[] bytes) throws Exception {
        from.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(LOOPBACK, to.localAddress().getPort())));
    }

    private static void assumeEpoll(DatagramIo io) {
        assumeTrue(io != DatagramIo.EPOLL || Epoll.isAvailable(), "native epoll is not available here");
    }

    @ParameterizedTest
    @EnumSource(value = DatagramIo.class, names = {"EPOLL", "NIO"})
    void smallAndLargestDatagramsArriveWholeAndInOrderWithEitherIo(DatagramIo io) throws Exception {
        assumeEpoll(io);
        RecordingReceiver receiver = new RecordingReceiver();
        UdpTransport transport = start(UdpOptions.loopbackEphemeral().withIo(io), receiver);
        DatagramSocket sensor = sensor();
        byte[] big = new byte[65507]; // the largest IPv4 UDP payload: a recvmmsg slot must not cut it short
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        int count = 100; // more than one recvmmsg takes
        for (int i = 0; i < count; i++) {
            send(sensor, transport, ("m" + i).getBytes(StandardCharsets.US_ASCII));
        }
        send(sensor, transport, big);

        for (int i = 0; i < count; i++) {
            assertEquals("m" + i, new String(receiver.next().datagram(), StandardCharsets.US_ASCII));
        }
        RecordingReceiver.Received last = receiver.next();
        assertArrayEquals(big, last.datagram());
        assertEquals(new UdpAddress((InetSocketAddress) sensor.getLocalSocketAddress()), last.from());
        transport.send(last.from(), "answer".getBytes(StandardCharsets.US_ASCII));
        DatagramPacket answer = new DatagramPacket(new byte[64], 64);
        sensor.receive(answer);
        assertEquals("answer", new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII));
    }

    @Test
    void autoReadsWithNativeEpollWhereItIsAvailable() {
        assertEquals(Epoll.isAvailable() ? DatagramIo.EPOLL : DatagramIo.NIO, DatagramIo.AUTO.resolve());
        assertEquals(DatagramIo.NIO, DatagramIo.NIO.resolve());
    }

    @Test
    void ioIsParsedFromItsConfigNameAndAnythingElseIsRefused() {
        assertEquals(DatagramIo.AUTO, DatagramIo.parse("auto"));
        assertEquals(DatagramIo.EPOLL, DatagramIo.parse(" EPOLL "));
        assertEquals(DatagramIo.NIO, DatagramIo.parse("nio"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatagramIo.parse("uring"));
        assertEquals("UDP I/O must be auto, epoll or nio: 'uring'", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = DatagramIo.class, names = {"EPOLL", "NIO"})
    void aDatagramTheReceiverRefusesIsCountedAsShedAndNeverHandedOver(DatagramIo io) throws Exception {
        assumeEpoll(io);
        DatagramSocket flooder = sensor();
        DatagramSocket other = sensor();
        LinkAddress refused = new UdpAddress((InetSocketAddress) flooder.getLocalSocketAddress());
        RecordingReceiver receiver = new RecordingReceiver() {
            @Override
            public boolean admit(Link link, LinkAddress from) {
                return !from.equals(refused);
            }
        };
        UdpTransport transport = start(UdpOptions.loopbackEphemeral().withIo(io), receiver);
        for (int i = 0; i < 10; i++) {
            send(flooder, transport, ("flood" + i).getBytes(StandardCharsets.US_ASCII));
        }
        send(other, transport, "legit".getBytes(StandardCharsets.US_ASCII));

        assertEquals("legit", new String(receiver.next().datagram(), StandardCharsets.US_ASCII));
        Set<String> more = new TreeSet<>();
        receiver.received.forEach(r -> more.add(new String(r.datagram(), StandardCharsets.US_ASCII)));
        assertEquals(Set.of(), more, "nothing from the refused source was handed over");
        // Each socket is read by one thread in arrival order only per sender: wait for the count, not for order.
        long deadline = System.nanoTime() + RecordingReceiver.WAIT.toNanos();
        while (transport.stats().shed() < 10 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(10, transport.stats().shed());
        assertEquals(11, transport.stats().datagramsIn());
    }

    @Test
    void kernelDropsAreReadForEachSocketOfTheListener() {
        assumeTrue(new java.io.File("/proc/net/udp").canRead(), "no /proc/net/udp here");
        UdpTransport transport = start(UdpOptions.loopbackEphemeral().withChannels(2), new RecordingReceiver());
        List<Long> drops = transport.kernelDrops();
        assertEquals(transport.steersFlooders() ? 3 : 2, drops.size(), "one count per SO_REUSEPORT socket: " + drops);
        assertTrue(drops.stream().allMatch(d -> d == 0), drops::toString);
    }

    @Test
    void portsAreReadFromProcTableAddresses() {
        assertEquals(3980, KernelDrops.portOf("0100007F:0F8C"));
        assertEquals(1884, KernelDrops.portOf("00000000000000000000000000000000:075C"));
        assertEquals(-1, KernelDrops.portOf("garbage"));
    }
}
