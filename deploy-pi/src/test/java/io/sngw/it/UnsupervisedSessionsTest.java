package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.config.Budgets;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Max-clients cannot be locked out for good (issue 14): sessions nothing supervises (keep-alive 0, or persistent and
 * disconnected) expire after limits.idle-expiry, and when the table is full the oldest of them gives way to a new
 * CONNECT. Supervised sessions never give way.
 */
class UnsupervisedSessionsTest extends SharedBrokerTest {
    private static final int MAX_CLIENTS = 3;

    private static GatewayUnderTest start(Duration idleExpiry) {
        GatewayOptions options = GatewayUnderTest.options().withLimits(MAX_CLIENTS, 1024, 10, 1000, 100, 1000)
                .withBudgets(new Budgets(idleExpiry, 0, 0, 0, Budgets.DEFAULT_SOURCE_RATE));
        return GatewayUnderTest.start(broker.url(), options);
    }

    @Test
    void aTableFullOfKeepAliveZeroSessionsGivesWayToANewSensorOldestFirst() {
        try (GatewayUnderTest gateway = start(Duration.ofDays(1)); Sensor first = gateway.sensor();
             Sensor second = gateway.sensor(); Sensor third = gateway.sensor(); Sensor newcomer = gateway.sensor()) {
            first.connect("idle-1", 0, true);
            second.connect("idle-2", 0, true);
            third.connect("idle-3", 0, true);

            newcomer.connect("fresh", 60, true);

            first.expect(new Disconnect());
            assertEquals(1, gateway.metrics().get(Counter.SESSIONS_GAVE_WAY));
            assertEquals(MAX_CLIENTS, gateway.sessionCount());
            second.send(new PingReq());
            second.expect(new PingResp());
        }
    }

    @Test
    void disconnectedPersistentSessionsGiveWayToo() {
        try (GatewayUnderTest gateway = start(Duration.ofDays(1)); Sensor a = gateway.sensor();
             Sensor b = gateway.sensor(); Sensor c = gateway.sensor(); Sensor newcomer = gateway.sensor()) {
            for (Sensor s : new Sensor[] {a, b, c}) {
                s.connect("away-" + s.localAddress().getPort(), 60, false);
                s.send(new Disconnect());
                s.expect(new Disconnect());
            }
            newcomer.connect("fresh", 60, true);
            assertEquals(1, gateway.metrics().get(Counter.SESSIONS_GAVE_WAY));
        }
    }

    @Test
    void aTableFullOfSupervisedSessionsStillAnswersCongestion() {
        try (GatewayUnderTest gateway = start(Duration.ofDays(1)); Sensor a = gateway.sensor();
             Sensor b = gateway.sensor(); Sensor c = gateway.sensor(); Sensor newcomer = gateway.sensor()) {
            a.connect("busy-a", 60, true);
            b.connect("busy-b", 60, true);
            c.connect("busy-c", 60, true);
            newcomer.send(new Connect(false, true, 60, "fresh"));
            newcomer.expect(new ConnAck(ReturnCode.CONGESTION));
            assertEquals(0, gateway.metrics().get(Counter.SESSIONS_GAVE_WAY));
        }
    }

    @Test
    void aKeepAliveZeroSessionIsLostAfterTheIdleExpiryAndItsPersistentSessionForgottenAfterAnother() {
        try (GatewayUnderTest gateway = start(Duration.ofMillis(500)); Sensor sensor = gateway.sensor()) {
            sensor.connect("forever", 0, false);
            GatewayUnderTest.await("the unsupervised client to be lost",
                    () -> gateway.metrics().get(Counter.CLIENTS_LOST) == 1);
            GatewayUnderTest.await("its persistent session to be forgotten", () -> gateway.sessionCount() == 0);
            assertEquals(1, gateway.metrics().get(Counter.SESSIONS_EXPIRED));
        }
    }
}
