package io.sngw.broker.embedded;

import io.sngw.testing.BrokerProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An acknowledgement that reaches the embedded broker after the client's DISCONNECT must not stop the broker.
 *
 * <p>Paho's {@code disconnect(quiesceTimeout)} sends DISCONNECT once the quiesce time runs out, and a PUBACK its
 * callback thread has not sent yet goes out behind it: on a loaded machine that is enough. Moquette 0.17
 * then released the in-flight message twice (once when it cleaned up the clean session on DISCONNECT, once for the
 * late PUBACK), and the IllegalReferenceCountException ended the session event loop that serves every client id
 * hashed to it: those clients then got no CONNACK at all. See {@code io.moquette.broker.Session} in this module.
 *
 * <p>Each test plays the misbehaving client byte by byte over a plain socket (the late packet in the same TCP
 * segment as the DISCONNECT, so the order is certain), then checks that a client with the same id, and so on the
 * same session event loop, is still served. Before the fix each of them failed on every run.
 */
class EmbeddedBrokerLateAckTest {

    /** Generous: a dead loop never answers, while a live one on a loaded 2-core machine may take seconds. */
    private static final Duration WAIT = Duration.ofSeconds(15);

    // One broker per test, although stopping one takes two seconds: a dead session event loop would otherwise make
    // the tests after the one that killed it fail too, and hide which late packet it was.
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws IOException {
        broker = new EmbeddedBroker("127.0.0.1", 0);
        broker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aPubackAfterTheSubscribersDisconnectLeavesTheBrokerServing() throws IOException {
        subscriberAcknowledgesAfterItsDisconnect("late-puback", 1, Wire.PUBACK);
    }

    @Test
    void aPubrecAfterTheSubscribersDisconnectLeavesTheBrokerServing() throws IOException {
        subscriberAcknowledgesAfterItsDisconnect("late-pubrec", 2, Wire.PUBREC);
    }

    @Test
    void aPubrelAfterThePublishersDisconnectLeavesTheBrokerServing() throws IOException {
        String id = "late-pubrel";
        try (Wire pub = settled(() -> {
            Wire w = Wire.connect(broker.port(), id);
            w.publishQos2("late/pubrel", 7, "x");
            assertEquals(7, w.expectAck(Wire.PUBREC));
            return w;
        })) {
            pub.sendTogether(Wire.DISCONNECT, Wire.ack(Wire.PUBREL, 7));
            pub.awaitClosedByBroker();
        }
        assertStillServes(id);
    }

    /** The loaded Session class is this module's patched one, on the Moquette version it was patched from. */
    @Test
    void thePatchedSessionIsTheOneInUse() throws Exception {
        Class<?> session = Class.forName("io.moquette.broker.Session");
        Class<?> server = Class.forName("io.moquette.broker.Server");
        assertNotEquals(server.getProtectionDomain().getCodeSource().getLocation(),
                session.getProtectionDomain().getCodeSource().getLocation(),
                "io.moquette.broker.Session must come from broker-embedded, not from the Moquette jar");
        Properties pom = new Properties();
        try (InputStream in = server.getResourceAsStream("/META-INF/maven/io.moquette/moquette-broker/pom.properties")) {
            pom.load(in);
        }
        assertEquals("0.17", pom.getProperty("version"),
                "broker-embedded's io.moquette.broker.Session is a patched copy of Moquette 0.17's: redo the patch for the "
                        + "new version (or drop it if the new version has the fix), then update this assertion");
    }

    /** A subscriber receives one PUBLISH at {@code qos} and answers it with {@code ackType} only after DISCONNECT. */
    private void subscriberAcknowledgesAfterItsDisconnect(String clientId, int qos, int ackType) throws IOException {
        String topic = "late/" + clientId;
        try (Wire sub = settled(() -> {
            Wire w = Wire.connect(broker.port(), clientId);
            w.subscribe(topic, qos);
            return w;
        })) {
            publishFromProbe(topic, qos);
            int packetId = sub.expectPublish(qos);
            sub.sendTogether(Wire.DISCONNECT, Wire.ack(ackType, packetId));
            sub.awaitClosedByBroker();
        }
        assertStillServes(clientId);
    }

    /** Opens a connection and brings it to where the late packet is sent. */
    private interface Setup {
        Wire open() throws IOException;
    }

    /**
     * The set-up, tried again (up to three times) when Moquette closes the connection during it: once in CI, Moquette
     * 0.17 closed a connection whose SUBSCRIBE followed its CONNACK at once ("SUBSCRIBE received on already closed
     * connection" in its log; the cause inside Moquette not traced). That is not what these tests are about; the late
     * packet after DISCONNECT is.
     */
    private static Wire settled(Setup setup) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return setup.open();
            } catch (EOFException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private void publishFromProbe(String topic, int qos) {
        try (BrokerProbe pub = new BrokerProbe(broker.url())) {
            pub.publish(topic, "m", qos, false);
        }
    }

    /**
     * A new client with the same id (so on the same Moquette session event loop) connects, subscribes and receives.
     * With the loop dead the CONNECT is never answered.
     */
    private void assertStillServes(String clientId) throws IOException {
        // A CONNACK is the first sign of life; the subscription and the delivery below are the proof. (Waiting for the
        // broker to close the connection after a DISCONNECT here, as a client need not, once went unanswered for 15 s
        // in CI right after the CONNACK, cause not found: a client closes its own end after DISCONNECT, so this one
        // does too.)
        try (Wire again = Wire.connect(broker.port(), clientId)) {
            again.sendTogether(Wire.DISCONNECT);
        } catch (SocketTimeoutException e) {
            fail("no CONNACK within " + WAIT.toSeconds() + " s for client id " + clientId
                    + ": the Moquette session event loop serving it has died (Moquette logs why, at WARNING)", e);
        }
        String topic = "alive/" + clientId;
        try (BrokerProbe again = new BrokerProbe(broker.url(), clientId); BrokerProbe pub = new BrokerProbe(broker.url())) {
            assertEquals(1, again.subscribe(topic, 1));
            pub.publish(topic, "still here", 1, false);
            assertEquals("still here", again.awaitMessages(1, WAIT).get(0).payloadString());
        }
    }

    /** Just enough of an MQTT 3.1.1 client, written byte by byte, to send packets in an order Paho would not. */
    private static final class Wire implements AutoCloseable {

        static final int PUBLISH = 3;
        static final int PUBACK = 4;
        static final int PUBREC = 5;
        static final int PUBREL = 6;
        static final byte[] DISCONNECT = {(byte) 0xE0, 0};

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        private Wire(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.setTcpNoDelay(true);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static Wire connect(int port, String clientId) throws IOException {
            Wire w = new Wire(new Socket("127.0.0.1", port));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writeString(body, "MQTT");
            body.write(4); // protocol level 3.1.1
            body.write(0x02); // clean session
            body.write(0);
            body.write(60); // keep alive, seconds
            writeString(body, clientId);
            try {
                w.sendTogether(packet(0x10, body.toByteArray()));
                byte[] connack = w.expect(2);
                assertEquals(0, connack[1], "CONNACK return code");
                return w;
            } catch (IOException | RuntimeException | Error e) {
                w.close();
                throw e;
            }
        }

        void subscribe(String filter, int qos) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(0);
            body.write(1); // packet id
            writeString(body, filter);
            body.write(qos);
            sendTogether(packet(0x82, body.toByteArray()));
            byte[] suback = expect(9);
            assertEquals(qos, suback[2], "granted QoS");
        }

        void publishQos2(String topic, int packetId, String payload) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            writeString(body, topic);
            body.write(packetId >> 8);
            body.write(packetId);
            body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
            sendTogether(packet(0x34, body.toByteArray()));
        }

        /** Reads a PUBLISH at {@code qos}; returns its packet id. */
        int expectPublish(int qos) throws IOException {
            int header = in.readUnsignedByte();
            assertEquals(PUBLISH, header >> 4, "packet type");
            assertEquals(qos, (header >> 1) & 3, "QoS of the PUBLISH");
            byte[] body = readBody();
            int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
            return ((body[2 + topicLength] & 0xFF) << 8) | (body[3 + topicLength] & 0xFF);
        }

        /** Reads an acknowledgement of {@code type}; returns its packet id. */
        int expectAck(int type) throws IOException {
            byte[] body = expect(type);
            return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }

        private byte[] expect(int type) throws IOException {
            int header = in.readUnsignedByte();
            assertEquals(type, header >> 4, "packet type");
            return readBody();
        }

        private byte[] readBody() throws IOException {
            int length = 0;
            for (int shift = 0; ; shift += 7) {
                int b = in.readUnsignedByte();
                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            byte[] body = new byte[length];
            in.readFully(body);
            return body;
        }

        /** Writes the packets with one write, so that they reach the broker in one segment and in this order. */
        void sendTogether(byte[]... packets) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] p : packets) {
                all.writeBytes(p);
            }
            out.write(all.toByteArray());
            out.flush();
        }

        /** Waits until the broker closes the connection (its answer to DISCONNECT), so that it has read everything. */
        void awaitClosedByBroker() throws IOException {
            try {
                while (in.read() >= 0) {
                    // nothing else is expected; skip whatever comes
                }
            } catch (EOFException ignored) {
                // closed
            }
        }

        static byte[] ack(int type, int packetId) {
            // PUBREL carries the flags 0010 (MQTT-3.6.1-1).
            int header = (type << 4) | (type == PUBREL ? 0x02 : 0);
            return new byte[] {(byte) header, 2, (byte) (packetId >> 8), (byte) packetId};
        }

        private static byte[] packet(int header, byte[] body) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write(header);
            int length = body.length;
            do {
                int b = length & 0x7F;
                length >>>= 7;
                p.write(length > 0 ? b | 0x80 : b);
            } while (length > 0);
            p.writeBytes(body);
            return p.toByteArray();
        }

        private static void writeString(ByteArrayOutputStream out, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b.length >> 8);
            out.write(b.length);
            out.writeBytes(b);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
