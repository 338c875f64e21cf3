package io.sngw.transport.udp;

import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UdpTransportTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SOCKET_TIMEOUT_MILLIS = (int) RecordingReceiver.WAIT.toMillis();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private UdpTransport start(UdpOptions options, LinkReceiver receiver) {
        UdpTransport transport = new UdpTransport(options, receiver);
        toClose.add(transport);
        transport.start();
        return transport;
    }

    private DatagramSocket socket(InetAddress address) throws SocketException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
        socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
        socket.setReceiveBufferSize(1 << 20);
        toClose.add(socket);
        return socket;
    }

    private static void sendTo(DatagramSocket socket, InetSocketAddress to, byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static byte[] receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        socket.receive(packet);
        return Arrays.copyOfRange(packet.getData(), 0, packet.getLength());
    }

    private static InetSocketAddress target(UdpTransport transport, InetAddress host) {
        return new InetSocketAddress(host, transport.localAddress().getPort());
    }

    @Test
    void datagramFromPlainSocketReachesReceiverWithSenderAddress() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), receiver);
        DatagramSocket sensor = socket(LOOPBACK);
        byte[] connect = {0x0d, 0x04, 0x04, 0x01, 0x00, 0x3c, 's', 'e', 'n', 's', 'o', 'r', '1'};

        sendTo(sensor, target(transport, LOOPBACK), connect);

        RecordingReceiver.Received r = receiver.next();
        assertArrayEquals(connect, r.datagram());
        assertEquals(new UdpAddress((InetSocketAddress) sensor.getLocalSocketAddress()), r.from());
        assertEquals(transport, r.link());
        assertTrue(r.thread().startsWith("sngw-udp"), "delivered on the I/O thread, was " + r.thread());
        assertEquals(1, transport.stats().datagramsIn());
        assertEquals(connect.length, transport.stats().bytesIn());
    }

    @Test
    void sendReachesTheSocketAndComesFromTheListeningPort() throws Exception {
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), new RecordingReceiver());
        DatagramSocket sensor = socket(LOOPBACK);
        byte[] connack = {0x03, 0x05, 0x00};

        transport.send(new UdpAddress((InetSocketAddress) sensor.getLocalSocketAddress()), connack);

        DatagramPacket packet = new DatagramPacket(new byte[100], 100);
        sensor.receive(packet);
        assertArrayEquals(connack, Arrays.copyOf(packet.getData(), packet.getLength()));
        assertEquals(transport.localAddress().getPort(), packet.getPort());
        assertEquals(1, transport.stats().datagramsOut());
        assertEquals(3, transport.stats().bytesOut());
    }

    @Test
    void receiverMayAnswerFromTheIoThread() throws Exception {
        LinkReceiver echo = (link, from, datagram) -> link.send(from, datagram);
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), echo);
        DatagramSocket sensor = socket(LOOPBACK);

        sendTo(sensor, target(transport, LOOPBACK), new byte[] {0x02, 0x16});

        assertArrayEquals(new byte[] {0x02, 0x16}, receive(sensor));
    }

    @Test
    void largestDatagramsArriveWhole() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), receiver);
        DatagramSocket sensor = socket(LOOPBACK);
        byte[] big = new byte[65507]; // the largest IPv4 UDP payload
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }

        sendTo(sensor, target(transport, LOOPBACK), big);
        assertArrayEquals(big, receiver.next().datagram());

        transport.send(new UdpAddress((InetSocketAddress) sensor.getLocalSocketAddress()), big);
        assertArrayEquals(big, receive(sensor));
    }

    @Test
    void ipv6LoopbackWorksOnADualStackBind() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        assumeTrue(canBind(ipv6Loopback), "this machine has no IPv6 loopback");
        RecordingReceiver receiver = new RecordingReceiver();
        UdpTransport transport = start(UdpOptions.defaults().withBindAddress("::").withPort(0), receiver);
        assertEquals("udp:[::]:" + transport.localAddress().getPort(), transport.name());
        DatagramSocket sensor = socket(ipv6Loopback);

        sendTo(sensor, target(transport, ipv6Loopback), new byte[] {0x02, 0x16});

        RecordingReceiver.Received r = receiver.next();
        UdpAddress expected = new UdpAddress((InetSocketAddress) sensor.getLocalSocketAddress());
        assertEquals(expected, r.from());
        assertEquals("udp:[0:0:0:0:0:0:0:1]:" + sensor.getLocalPort(), r.from().toString());

        transport.send(r.from(), new byte[] {0x02, 0x17});
        assertArrayEquals(new byte[] {0x02, 0x17}, receive(sensor));
    }

    @Test
    void dualStackBindAlsoServesIpv4WithPlainIpv4Addresses() throws Exception {
        assumeTrue(canBind(InetAddress.getByName("::1")), "this machine has no IPv6");
        RecordingReceiver receiver = new RecordingReceiver();
        UdpTransport transport = start(UdpOptions.defaults().withBindAddress("::").withPort(0), receiver);
        InetAddress ipv4Loopback = InetAddress.getByName("127.0.0.1");
        DatagramSocket sensor = socket(ipv4Loopback);

        sendTo(sensor, target(transport, ipv4Loopback), new byte[] {0x02, 0x16});

        LinkAddress from = receiver.next().from();
        // The same sensor must be the same key whichever socket family carried it: no ::ffff:a.b.c.d forms.
        assertEquals(new UdpAddress(new InetSocketAddress(ipv4Loopback, sensor.getLocalPort())), from);
        assertInstanceOf(Inet4Address.class, ((UdpAddress) from).socket().getAddress());
        transport.send(from, new byte[] {0x02, 0x17});
        assertArrayEquals(new byte[] {0x02, 0x17}, receive(sensor));
    }

    @Test
    void aSecondTransportOnThePortOfOneWithSeveralSocketsIsRefusedNotJoinedIn() {
        UdpTransport first = new UdpTransport(UdpOptions.loopbackEphemeral().withChannels(2), new RecordingReceiver());
        toClose.add(first);
        first.start();
        int port = first.localAddress().getPort();
        UdpTransport second = new UdpTransport(UdpOptions.loopbackEphemeral().withPort(port).withChannels(2),
                new RecordingReceiver());
        toClose.add(second);

        // SO_REUSEPORT would let it share the port and take half of the sensors without a word.
        assertThrows(UdpBindException.class, second::start);
    }

    @Test
    void bindFailureOnAPortInUseNamesAddressPortAndCause() throws Exception {
        DatagramSocket occupant = socket(InetAddress.getByName("127.0.0.1"));
        int port = occupant.getLocalPort();
        UdpTransport transport = new UdpTransport(UdpOptions.defaults().withBindAddress("127.0.0.1").withPort(port),
                new RecordingReceiver());
        toClose.add(transport);

        UdpBindException e = assertThrows(UdpBindException.class, transport::start);

        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("BindException"), e.getMessage());
        assertEquals("127.0.0.1", e.address());
        assertEquals(port, e.port());
        assertInstanceOf(java.net.BindException.class, e.getCause());
        assertThrows(IllegalStateException.class, transport::start, "a failed transport cannot be restarted");
    }

    @Test
    void bindFailureOnAForeignAddressIsReportedToo() {
        // 192.0.2.1 is TEST-NET-1: never an address of this machine.
        UdpTransport transport = new UdpTransport(UdpOptions.defaults().withBindAddress("192.0.2.1").withPort(0),
                new RecordingReceiver());
        toClose.add(transport);

        UdpBindException e = assertThrows(UdpBindException.class, transport::start);

        assertTrue(e.getMessage().startsWith("cannot bind UDP 192.0.2.1:0: "), e.getMessage());
    }

    @Test
    void aThrowingReceiverDoesNotStopLaterDatagrams() throws Exception {
        RecordingReceiver recorder = new RecordingReceiver();
        LinkReceiver failingOnFirst = (link, from, datagram) -> {
            if (datagram[0] == 'X') {
                throw new IllegalStateException("receiver bug");
            }
            recorder.onReceive(link, from, datagram);
        };
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), failingOnFirst);
        DatagramSocket sensor = socket(LOOPBACK);

        sendTo(sensor, target(transport, LOOPBACK), new byte[] {'X'});
        sendTo(sensor, target(transport, LOOPBACK), new byte[] {'a'});
        sendTo(sensor, target(transport, LOOPBACK), new byte[] {'X'});
        sendTo(sensor, target(transport, LOOPBACK), new byte[] {'b'});

        assertArrayEquals(new byte[] {'a'}, recorder.next().datagram());
        assertArrayEquals(new byte[] {'b'}, recorder.next().datagram());
        assertEquals(2, transport.stats().receiverErrors());
        assertEquals(4, transport.stats().datagramsIn());
        assertTrue(transport.isRunning());
    }

    @Test
    void manyDatagramsFromManySocketsAllArrive() throws Exception {
        RecordingReceiver receiver = new RecordingReceiver();
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), receiver);
        int sockets = 32;
        int rounds = 50;
        List<DatagramSocket> sensors = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            sensors.add(socket(LOOPBACK));
        }
        Set<String> expected = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Set<LinkAddress> senders = new HashSet<>();
        for (int round = 0; round < rounds; round++) {
            for (DatagramSocket sensor : sensors) {
                String payload = sensor.getLocalPort() + "/" + round;
                expected.add(payload);
                sendTo(sensor, target(transport, LOOPBACK), payload.getBytes(StandardCharsets.US_ASCII));
            }
            // One round in flight at a time keeps the socket buffer from overflowing: loss here is not the point.
            for (int i = 0; i < sockets; i++) {
                RecordingReceiver.Received r = receiver.next();
                String payload = new String(r.datagram(), StandardCharsets.US_ASCII);
                assertTrue(payload.startsWith(((UdpAddress) r.from()).socket().getPort() + "/"), payload);
                seen.add(payload);
                senders.add(r.from());
            }
        }
        assertEquals(expected, seen);
        assertEquals(sockets, senders.size());
        assertEquals((long) sockets * rounds, transport.stats().datagramsIn());
    }

    @Test
    void sendsFromManyThreadsAllGoOut() throws Exception {
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), new RecordingReceiver());
        DatagramSocket sensor = socket(LOOPBACK);
        UdpAddress to = new UdpAddress((InetSocketAddress) sensor.getLocalSocketAddress());
        int threads = 4;
        int perThreadPerRound = 50;
        int rounds = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Set<String> seen = new HashSet<>();
            for (int round = 0; round < rounds; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> senders = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    int r = round;
                    senders.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThreadPerRound; i++) {
                            transport.send(to, (r + "/" + thread + "/" + i).getBytes(StandardCharsets.US_ASCII));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : senders) {
                    f.get(10, TimeUnit.SECONDS);
                }
                for (int i = 0; i < threads * perThreadPerRound; i++) {
                    seen.add(new String(receive(sensor), StandardCharsets.US_ASCII));
                }
            }
            assertEquals(threads * perThreadPerRound * rounds, seen.size());
            assertEquals(threads * perThreadPerRound * rounds, transport.stats().datagramsOut());
            assertEquals(0, transport.stats().dropped());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A session's answers leave in the order it sent them, whether each was sent at once on its thread (nothing
     * queued: epoll) or queued behind others for the I/O thread.
     */
    @Test
    void oneThreadsDatagramsToASensorArriveInTheOrderSent() throws Exception {
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), new RecordingReceiver());
        DatagramSocket sensor = socket(LOOPBACK);
        UdpAddress to = new UdpAddress((InetSocketAddress) sensor.getLocalSocketAddress());
        int count = 2_000;

        for (int i = 0; i < count; i++) {
            transport.send(to, Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
        }

        for (int i = 0; i < count; i++) {
            assertEquals(Integer.toString(i), new String(receive(sensor), StandardCharsets.US_ASCII));
        }
        assertEquals(count, transport.stats().datagramsOut());
        assertEquals(0, transport.stats().dropped());
    }

    @Test
    void broadcastGoesToTheConfiguredAddress() throws Exception {
        DatagramSocket listener = socket(InetAddress.getByName("127.0.0.1"));
        UdpTransport transport = start(UdpOptions.loopbackEphemeral()
                .withBroadcastAddress("127.0.0.1:" + listener.getLocalPort()), new RecordingReceiver());
        byte[] advertise = {0x05, 0x00, 0x01, 0x03, (byte) 0x84};

        transport.broadcast(advertise);

        DatagramPacket packet = new DatagramPacket(new byte[100], 100);
        listener.receive(packet);
        assertArrayEquals(advertise, Arrays.copyOf(packet.getData(), packet.getLength()));
        assertEquals(transport.localAddress().getPort(), packet.getPort());
    }

    @Test
    void broadcastWithoutAnAddressIsANoOp() {
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), new RecordingReceiver());

        transport.broadcast(new byte[] {0x03, 0x02, 0x01});

        assertEquals(0, transport.stats().datagramsOut());
        assertEquals(0, transport.stats().dropped());
    }

    @Test
    void sendingOutsideTheLifecycleDropsAndCounts() throws Exception {
        UdpTransport transport = new UdpTransport(UdpOptions.loopbackEphemeral(), new RecordingReceiver());
        toClose.add(transport);
        UdpAddress somewhere = new UdpAddress(new InetSocketAddress(LOOPBACK, 9));

        transport.send(somewhere, new byte[] {0x02, 0x17});
        assertEquals(1, transport.stats().dropped());

        transport.start();
        transport.close();
        transport.close(); // idempotent
        transport.send(somewhere, new byte[] {0x02, 0x17});
        assertEquals(2, transport.stats().dropped());
        assertThrows(IllegalStateException.class, transport::start);
    }

    @Test
    void sendRejectsAddressesOfOtherLinks() {
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), new RecordingReceiver());
        LinkAddress serial = new LinkAddress() {
        };

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> transport.send(serial, new byte[] {0x02, 0x17}));
        assertTrue(e.getMessage().contains("UdpAddress"), e.getMessage());
    }

    @Test
    void nameCarriesBindAddressAndRealPort() {
        UdpTransport transport = new UdpTransport(UdpOptions.loopbackEphemeral(), new RecordingReceiver());
        toClose.add(transport);
        assertEquals("udp:127.0.0.1:0", transport.name());

        transport.start();

        int port = transport.localAddress().getPort();
        assertNotEquals(0, port);
        assertEquals("udp:127.0.0.1:" + port, transport.name());
        assertEquals("udp:0.0.0.0:1884", new UdpTransport(UdpOptions.defaults(), new RecordingReceiver()).name());
    }

    @Test
    void closeWaitsForTheSocketToBeReleased() throws Exception {
        UdpTransport transport = start(UdpOptions.loopbackEphemeral(), new RecordingReceiver());
        InetSocketAddress bound = transport.localAddress();

        transport.close();

        // The port is free again at once: a restart of the gateway can bind it.
        try (DatagramSocket again = new DatagramSocket(bound)) {
            assertEquals(bound.getPort(), again.getLocalPort());
        }
    }

    private static boolean canBind(InetAddress address) {
        try {
            new DatagramSocket(new InetSocketAddress(address, 0)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
