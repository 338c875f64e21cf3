package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker stand-in that speaks raw MQTT 3.1.1 bytes under the test's control: it answers CONNECT (and, when told,
 * SUBSCRIBE), records every packet the client sends, and sends whatever the test asks. For the flows a real broker
 * cannot be made to show on demand: a missing acknowledgement, a refused filter, a silent peer, a re-sent PUBLISH.
 */
final class ScriptedBroker implements AutoCloseable {

    static final int CONNECT = 1, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7, SUBSCRIBE = 8,
            UNSUBSCRIBE = 10, PINGREQ = 12, DISCONNECT = 14;

    /** A packet from the client: type, the low nibble of the first byte, and the rest after the length field. */
    record Packet(int type, int flags, byte[] body) {
        int packetId() {
            if (type == PUBLISH) {
                int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
                return ((body[2 + topicLength] & 0xFF) << 8) | (body[3 + topicLength] & 0xFF);
            }
            return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }

        /** PUBLISH: the topic name (empty where an MQTT 5 topic alias stands for it). */
        String topic() {
            int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
            return new String(body, 2, topicLength, StandardCharsets.UTF_8);
        }

        /** SUBSCRIBE: the filters in order. */
        List<String> filters() {
            List<String> out = new ArrayList<>();
            int i = 2;
            while (i < body.length) {
                int length = ((body[i] & 0xFF) << 8) | (body[i + 1] & 0xFF);
                out.add(new String(body, i + 2, length, StandardCharsets.UTF_8));
                i += 2 + length + (type == SUBSCRIBE ? 1 : 0);
            }
            return out;
        }

        /** SUBSCRIBE: the requested QoS per filter. */
        List<Integer> requestedQos() {
            List<Integer> out = new ArrayList<>();
            int i = 2;
            while (i < body.length) {
                int length = ((body[i] & 0xFF) << 8) | (body[i + 1] & 0xFF);
                out.add(body[i + 2 + length] & 0xFF);
                i += 3 + length;
            }
            return out;
        }

        @Override
        public String toString() {
            return "Packet[type=" + type + ", flags=" + flags + ", " + body.length + " bytes]";
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Socket current;
    volatile int connAckCode = 0;
    /** The CONNACK's session-present flag: whether the broker claims to have kept the client's session. */
    volatile boolean sessionPresent;
    volatile boolean autoSubAck = false;
    /** Non-null: answer CONNECT with an MQTT 5 CONNACK carrying these properties (already encoded). */
    volatile byte[] connAckV5Properties;

    ScriptedBroker() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::acceptLoop, "scripted-broker-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** The next packet of {@code type}, skipping (and dropping) packets of other types. */
    Packet await(int type) {
        long deadline = System.nanoTime() + RecordingListener.WAIT.toNanos();
        List<Packet> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Packet p;
            try {
                p = left > 0 ? packets.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (p == null) {
                fail("no packet of type " + type + " from the client within " + RecordingListener.WAIT
                        + "; skipped " + skipped);
            }
            if (p.type == type) {
                return p;
            }
            skipped.add(p);
        }
    }

    /** Packets received and not yet taken by {@link #await}. */
    List<Packet> remaining() {
        return new ArrayList<>(packets);
    }

    /** Waits {@code quiet} and asserts no packet of {@code type} came meanwhile. */
    void assertNone(int type, Duration quiet) throws InterruptedException {
        Thread.sleep(quiet.toMillis());
        for (Packet p : packets) {
            if (p.type == type) {
                fail("unexpected packet of type " + type + ": " + p);
            }
        }
    }

    void send(int... bytes) throws IOException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        sendRaw(raw);
    }

    synchronized void sendRaw(byte[] raw) throws IOException {
        Socket s = current;
        if (s == null) {
            throw new IOException("no client connected");
        }
        OutputStream out = s.getOutputStream();
        out.write(raw);
        out.flush();
    }

    void ack(int type, int packetId) throws IOException {
        int first = type << 4 | (type == PUBREL ? 0x02 : 0);
        send(first, 2, packetId >> 8, packetId & 0xFF);
    }

    void subAck(int packetId, int... codes) throws IOException {
        int[] bytes = new int[4 + codes.length];
        bytes[0] = 0x90;
        bytes[1] = 2 + codes.length;
        bytes[2] = packetId >> 8;
        bytes[3] = packetId & 0xFF;
        System.arraycopy(codes, 0, bytes, 4, codes.length);
        send(bytes);
    }

    static byte[] publishPacket(String topic, byte[] payload, int qos, int packetId, boolean dup, boolean retain) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + t.length + (qos > 0 ? 2 : 0) + payload.length;
        byte[] length = remainingLength(remaining);
        byte[] out = new byte[1 + length.length + remaining];
        int i = 0;
        out[i++] = (byte) (0x30 | (dup ? 0x08 : 0) | qos << 1 | (retain ? 1 : 0));
        for (byte b : length) {
            out[i++] = b;
        }
        out[i++] = (byte) (t.length >> 8);
        out[i++] = (byte) t.length;
        System.arraycopy(t, 0, out, i, t.length);
        i += t.length;
        if (qos > 0) {
            out[i++] = (byte) (packetId >> 8);
            out[i++] = (byte) packetId;
        }
        System.arraycopy(payload, 0, out, i, payload.length);
        return out;
    }

    void publish(String topic, String payload, int qos, int packetId, boolean dup) throws IOException {
        sendRaw(publishPacket(topic, payload.getBytes(StandardCharsets.UTF_8), qos, packetId, dup, false));
    }

    /** Closes the client's connection (the bridge sees the broker go away). */
    void dropConnection() throws IOException {
        Socket s = current;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnection();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                current = s;
                connections.incrementAndGet();
                Thread reader = new Thread(() -> readLoop(s), "scripted-broker-read");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void readLoop(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                int remaining = 0;
                int multiplier = 1;
                int b;
                do {
                    b = in.readUnsignedByte();
                    remaining += (b & 0x7F) * multiplier;
                    multiplier <<= 7;
                } while ((b & 0x80) != 0);
                byte[] body = new byte[remaining];
                in.readFully(body);
                Packet p = new Packet(first >> 4, first & 0x0F, body);
                packets.add(p);
                if (p.type == CONNECT && connAckV5Properties != null) {
                    byte[] props = connAckV5Properties;
                    byte[] connAck = new byte[5 + props.length];
                    connAck[0] = 0x20;
                    connAck[1] = (byte) (3 + props.length);
                    connAck[2] = (byte) (sessionPresent ? 1 : 0);
                    connAck[3] = (byte) connAckCode;
                    connAck[4] = (byte) props.length;
                    System.arraycopy(props, 0, connAck, 5, props.length);
                    sendRaw(connAck);
                } else if (p.type == CONNECT) {
                    send(0x20, 2, sessionPresent ? 1 : 0, connAckCode);
                } else if (p.type == SUBSCRIBE && autoSubAck) {
                    subAck(p.packetId(), p.requestedQos().stream().mapToInt(Integer::intValue).toArray());
                }
            }
        } catch (EOFException | java.net.SocketException closed) {
            // client or test closed the connection
        } catch (IOException e) {
            // the test sees the consequences
        }
    }

    private static byte[] remainingLength(int value) {
        byte[] buf = new byte[4];
        int n = 0;
        do {
            int digit = value % 128;
            value /= 128;
            if (value > 0) {
                digit |= 0x80;
            }
            buf[n++] = (byte) digit;
        } while (value > 0);
        return java.util.Arrays.copyOf(buf, n);
    }
}
