package io.sngw.it;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sensor that connects and registers once, then publishes numbered QoS 1 messages one at a time, resending
 * each with DUP every 300 ms until it is acknowledged, like a sensor's firmware would.
 */
final class NumberedSensor {
    private static final Duration RETRY = Duration.ofMillis(300);

    final String clientId;
    private final DatagramSocket socket;
    private final InetSocketAddress gateway;
    private final int topicId;
    private final Set<Integer> acked = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;
    volatile long sent;
    volatile long disconnectsReceived;

    private NumberedSensor(String clientId, DatagramSocket socket, InetSocketAddress gateway, int topicId) {
        this.clientId = clientId;
        this.socket = socket;
        this.gateway = gateway;
        this.topicId = topicId;
    }

    static NumberedSensor connect(InetSocketAddress gateway, String clientId, String topic) {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            socket.setSoTimeout((int) RETRY.toMillis());
            send(socket, gateway, new Connect(false, true, 60, clientId));
            expect(socket, ConnAck.class);
            send(socket, gateway, new Register(0, 1, topic));
            RegAck regAck = expect(socket, RegAck.class);
            assertEquals(ReturnCode.ACCEPTED, regAck.returnCode());
            return new NumberedSensor(clientId, socket, gateway, regAck.topicId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startSending() {
        running.set(true);
        thread = new Thread(this::sendLoop, "sensor-" + clientId);
        thread.setDaemon(true);
        thread.start();
    }

    void stopSending() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }

    /** Messages the gateway acknowledged, over all {@code sensors}. */
    static long totalAcknowledged(List<NumberedSensor> sensors) {
        return sensors.stream().mapToLong(NumberedSensor::acknowledgedCount).sum();
    }

    static void awaitAcknowledged(List<NumberedSensor> sensors, long atLeast) {
        GatewayUnderTest.await(atLeast + " acknowledged messages", () -> totalAcknowledged(sensors) >= atLeast);
    }

    synchronized Set<Integer> acknowledged() {
        return new HashSet<>(acked);
    }

    synchronized long acknowledgedCount() {
        return acked.size();
    }

    private void sendLoop() {
        byte[] buffer = new byte[256];
        for (int n = 1; running.get(); n++) {
            int msgId = (n % 0xFFFF) + 1;
            byte[] payload = (clientId + ":" + n).getBytes(StandardCharsets.UTF_8);
            boolean dup = false;
            while (running.get()) {
                try {
                    send(socket, gateway, new Publish(dup, 1, false, new TopicRef.Registered(topicId), msgId, payload));
                    sent++;
                    if (awaitPubAck(msgId, buffer)) {
                        synchronized (this) {
                            acked.add(n);
                        }
                        break;
                    }
                } catch (IOException e) {
                    return; // socket closed at the end of the test
                }
                dup = true;
            }
        }
    }

    /** True on an accepting PUBACK for msgId; false after one retry interval without one. */
    private boolean awaitPubAck(int msgId, byte[] buffer) throws IOException {
        long deadline = System.nanoTime() + RETRY.toNanos();
        while (System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return false;
            }
            MqttSnMessage m = decode(packet);
            if (m instanceof MqttSnMessage.Disconnect) {
                disconnectsReceived++;
            } else if (m instanceof PubAck ack && ack.msgId() == msgId) {
                return ack.returnCode() == ReturnCode.ACCEPTED;
            }
        }
        return false;
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, MqttSnMessage message) throws IOException {
        byte[] bytes = MqttSnCodec.encode(message);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static <T extends MqttSnMessage> T expect(DatagramSocket socket, Class<T> type) throws IOException {
        byte[] buffer = new byte[256];
        for (int i = 0; i < 20; i++) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            MqttSnMessage m = decode(packet);
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " from the gateway");
    }

    private static MqttSnMessage decode(DatagramPacket packet) {
        byte[] bytes = Arrays.copyOf(packet.getData(), packet.getLength());
        return MqttSnCodec.decode(bytes) instanceof DecodeResult.Decoded d ? d.message() : null;
    }
}
