package io.sngw.it;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A sensor at the byte level: one real UDP socket, exact messages out, exact messages expected back. The tests
 * use it to assert what the gateway puts on the wire, independently of the project's client library.
 */
final class Sensor implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);

    private final DatagramSocket socket;
    private final InetSocketAddress gateway;

    Sensor(InetSocketAddress gateway) {
        this.gateway = gateway;
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // A burst of kept messages on waking (hundreds at once, faster with native epoll's batched sends) must
            // not overflow the default buffer of a loaded machine: a lost PUBLISH waits T_retry, longer than WAIT.
            socket.setReceiveBufferSize(1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(MqttSnMessage message) {
        sendBytes(MqttSnCodec.encode(message));
    }

    void sendBytes(byte[] bytes) {
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, gateway));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next datagram's raw bytes, or null if none comes within the timeout. */
    byte[] receiveBytes(Duration timeout) {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            socket.receive(packet);
            return Arrays.copyOf(packet.getData(), packet.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    MqttSnMessage receive(Duration timeout) {
        byte[] bytes = receiveBytes(timeout);
        if (bytes == null) {
            return null;
        }
        DecodeResult result = MqttSnCodec.decode(bytes);
        if (result instanceof DecodeResult.Malformed malformed) {
            fail("gateway sent a malformed message: " + malformed);
        }
        return ((DecodeResult.Decoded) result).message();
    }

    <T extends MqttSnMessage> T expect(Class<T> type) {
        MqttSnMessage message = receive(WAIT);
        if (message == null) {
            fail("expected " + type.getSimpleName() + " within " + WAIT + ", got nothing");
        }
        return assertInstanceOf(type, message, "expected " + type.getSimpleName() + ", got " + message);
    }

    void expect(MqttSnMessage expected) {
        MqttSnMessage message = receive(WAIT);
        assertEquals(expected, message);
    }

    void expectNothing(Duration during) {
        MqttSnMessage message = receive(during);
        if (message != null) {
            fail("expected nothing, got " + message);
        }
    }

    void connect(String clientId) {
        connect(clientId, 60, true);
    }

    void connect(String clientId, int keepAlive, boolean cleanSession) {
        send(new Connect(false, cleanSession, keepAlive, clientId));
        expect(new ConnAck(ReturnCode.ACCEPTED));
    }

    /** CONNECT with a will: the whole dialogue (QoS 1, not retained) up to CONNACK accepted. */
    void connectWithWill(String clientId, int keepAlive, boolean cleanSession, String willTopic, String willMessage) {
        send(new Connect(true, cleanSession, keepAlive, clientId));
        expect(new WillTopicReq());
        send(new WillTopic(1, false, willTopic));
        expect(new WillMsgReq());
        send(new WillMsg(willMessage.getBytes(StandardCharsets.UTF_8)));
        expect(new ConnAck(ReturnCode.ACCEPTED));
    }

    int register(String topic, int msgId) {
        send(new Register(0, msgId, topic));
        RegAck ack = expect(RegAck.class);
        assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
        assertEquals(msgId, ack.msgId());
        return ack.topicId();
    }

    SubAck subscribe(String filter, int qos, int msgId) {
        send(new Subscribe(false, qos, msgId, new TopicRef.Name(filter)));
        SubAck ack = expect(SubAck.class);
        assertEquals(msgId, ack.msgId());
        return ack;
    }

    /**
     * Wakes this sleeping sensor (PINGREQ with its client id) and acknowledges every QoS 1 PUBLISH on {@code topicId}
     * until the PINGRESP that sends it back to sleep; returns what it got, in order.
     */
    List<Publish> wakeAndAcknowledge(String clientId, int topicId) {
        send(new PingReq(clientId));
        List<Publish> got = new ArrayList<>();
        while (true) {
            MqttSnMessage m = receive(WAIT);
            if (m instanceof PingResp) {
                return got;
            }
            if (!(m instanceof Publish p)) {
                return fail("expected PUBLISH or PINGRESP after waking, got " + m + " after " + got.size() + " PUBLISHes");
            }
            got.add(p);
            send(new PubAck(topicId, p.msgId(), ReturnCode.ACCEPTED));
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
