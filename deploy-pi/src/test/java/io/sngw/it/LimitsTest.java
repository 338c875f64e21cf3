package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The max-clients limit: CONNACK 0x01 (congestion) beyond it, and slots freed and reused. */
class LimitsTest extends EndToEndTest {
    private static final int MAX_CLIENTS = 2;
    private static final byte[] CONNACK_CONGESTION = {0x03, 0x05, 0x01};

    @Override
    protected GatewayUnderTest startGateway() {
        GatewayOptions options = GatewayUnderTest.options().withLimits(MAX_CLIENTS, 1024, 10, 1000, 100, 1000);
        return GatewayUnderTest.start(broker.url(), options);
    }

    @Test
    void connectBeyondMaxClientsGetsConnAckCongestion() {
        try (Sensor a = gateway.sensor(); Sensor b = gateway.sensor(); Sensor c = gateway.sensor()) {
            a.connect("limit-a");
            b.connect("limit-b");
            c.send(new Connect(false, true, 60, "limit-c"));
            assertArrayEquals(CONNACK_CONGESTION, c.receiveBytes(Sensor.WAIT));
            assertEquals(1, gateway.metrics().get(Counter.CONNECTS_REJECTED_CONGESTION));
            // Refused means no session: the sensor is told to reconnect when it carries on.
            c.send(new PingReq());
            c.expect(new Disconnect());
            // The two admitted clients are unaffected.
            a.send(new PingReq());
            a.expect(new PingResp());
            b.send(new PingReq());
            b.expect(new PingResp());
        }
    }

    @Test
    void connectWithWillBeyondMaxClientsIsRefusedBeforeTheWillDialogue() {
        try (Sensor a = gateway.sensor(); Sensor b = gateway.sensor(); Sensor c = gateway.sensor()) {
            a.connect("limit-a");
            b.connect("limit-b");
            c.send(new Connect(true, true, 60, "limit-c"));
            assertArrayEquals(CONNACK_CONGESTION, c.receiveBytes(Sensor.WAIT));
            c.expectNothing(Duration.ofMillis(300));
        }
    }

    @Test
    void aSlotFreedByDisconnectIsGivenToTheNextClient() {
        try (Sensor a = gateway.sensor(); Sensor b = gateway.sensor(); Sensor c = gateway.sensor()) {
            a.connect("limit-a");
            b.connect("limit-b");
            c.send(new Connect(false, true, 60, "limit-c"));
            assertArrayEquals(CONNACK_CONGESTION, c.receiveBytes(Sensor.WAIT));
            a.send(new Disconnect());
            a.expect(new Disconnect());
            c.connect("limit-c");
            c.send(new PingReq());
            c.expect(new PingResp());
        }
    }

    @Test
    void aSlotFreedByALostClientIsGivenToTheNextClient() {
        try (Sensor a = gateway.sensor(); Sensor b = gateway.sensor(); Sensor c = gateway.sensor()) {
            a.connect("limit-a", 1, true);
            b.connect("limit-b");
            GatewayUnderTest.await("limit-a to be lost", () -> gateway.metrics().get(Counter.CLIENTS_LOST) == 1);
            c.connect("limit-c");
        }
    }

    @Test
    void reconnectingAnExistingClientIdAtTheLimitIsAccepted() {
        try (Sensor a = gateway.sensor(); Sensor b = gateway.sensor()) {
            a.connect("limit-a");
            b.connect("limit-b");
            a.connect("limit-a", 60, true);
            a.connect("limit-a", 60, false);
            assertEquals(0, gateway.metrics().get(Counter.CONNECTS_REJECTED_CONGESTION));
        }
    }

    @Test
    void takingAnExistingClientIdOverFromANewAddressAtTheLimitIsAccepted() {
        try (Sensor a = gateway.sensor(); Sensor b = gateway.sensor(); Sensor moved = gateway.sensor()) {
            a.connect("limit-a");
            b.connect("limit-b");
            moved.connect("limit-a");
            a.expect(new Disconnect());
            assertEquals(0, gateway.metrics().get(Counter.CONNECTS_REJECTED_CONGESTION));
        }
    }

    @Test
    void simultaneousConnectsNeverAdmitMoreThanMaxClients() {
        int sensors = 40;
        List<Sensor> all = new ArrayList<>();
        try {
            for (int i = 0; i < sensors; i++) {
                all.add(gateway.sensor());
            }
            for (int i = 0; i < sensors; i++) {
                all.get(i).send(new Connect(false, true, 60, "rush-" + i));
            }
            int accepted = 0;
            int refused = 0;
            for (Sensor sensor : all) {
                MqttSnMessage answer = sensor.receive(Sensor.WAIT);
                if (new ConnAck(ReturnCode.ACCEPTED).equals(answer)) {
                    accepted++;
                } else if (new ConnAck(ReturnCode.CONGESTION).equals(answer)) {
                    refused++;
                }
            }
            assertEquals(MAX_CLIENTS, accepted, "accepted CONNECTs (" + refused + " refused)");
            assertEquals(sensors - MAX_CLIENTS, refused, "refused CONNECTs");
        } finally {
            all.forEach(Sensor::close);
        }
    }
}
