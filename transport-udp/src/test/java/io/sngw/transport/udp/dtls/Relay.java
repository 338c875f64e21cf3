package io.sngw.transport.udp.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay between one client and the listener, in the path as a network would be: it can send the next
 * application data datagram twice (a replay) or with one bit flipped (a forgery).
 */
final class Relay implements AutoCloseable {
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress target;
    private final AtomicInteger duplicateNext = new AtomicInteger();
    private final AtomicInteger corruptNext = new AtomicInteger();
    private volatile boolean dropUp;
    private volatile SocketAddress client;

    Relay(InetSocketAddress target) throws IOException {
        this.target = target;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        front = new DatagramSocket(new InetSocketAddress(loopback, 0));
        back = new DatagramSocket(new InetSocketAddress(loopback, 0));
        Thread up = new Thread(this::up, "relay-up");
        Thread down = new Thread(this::down, "relay-down");
        up.setDaemon(true);
        down.setDaemon(true);
        up.start();
        down.start();
    }

    /** Where the client should connect. */
    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** The address the listener sees for the client. */
    InetSocketAddress listenerSide() {
        return (InetSocketAddress) back.getLocalSocketAddress();
    }

    /** While set, nothing from the client reaches the listener (a client that vanishes without a goodbye). */
    void dropFromClient(boolean drop) {
        dropUp = drop;
    }

    /** The next application data datagram from the client goes to the listener twice. */
    void duplicateNextApplicationData() {
        duplicateNext.incrementAndGet();
    }

    /** The next application data datagram from the client has the last bit of its ciphertext flipped. */
    void corruptNextApplicationData() {
        corruptNext.incrementAndGet();
    }

    private void up() {
        byte[] buffer = new byte[65535];
        while (!front.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                front.receive(p);
                if (dropUp) {
                    continue;
                }
                client = p.getSocketAddress();
                byte[] data = Arrays.copyOf(p.getData(), p.getLength());
                boolean applicationData = data.length > 13 && data[0] == 23;
                if (applicationData && corruptNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    data[data.length - 1] ^= 1;
                }
                back.send(new DatagramPacket(data, data.length, target));
                if (applicationData && duplicateNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    back.send(new DatagramPacket(data, data.length, target));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void down() {
        byte[] buffer = new byte[65535];
        while (!back.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                back.receive(p);
                SocketAddress to = client;
                if (to != null) {
                    front.send(new DatagramPacket(p.getData(), p.getLength(), to));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        front.close();
        back.close();
    }
}
