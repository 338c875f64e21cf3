package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.Budgets;
import io.sngw.core.config.GatewayOptions;
import io.sngw.testing.BrokerProbe;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Registrations, subscriptions and kept messages are bounded for all clients together, not only per client (issue 14):
 * a flood from many client ids gets the spec's congestion codes once the budget is spent, and what a client gives back
 * is available to the others again.
 */
class GlobalBudgetsTest extends SharedBrokerTest {

    private static GatewayUnderTest start(long registrations, long subscriptions, long kept) {
        GatewayOptions options = GatewayUnderTest.options()
                .withBudgets(new Budgets(Duration.ofDays(1), registrations, subscriptions, kept,
                        Budgets.DEFAULT_SOURCE_RATE));
        return GatewayUnderTest.start(broker.url(), options);
    }

    @Test
    void registersBeyondTheGlobalBudgetGetRegAckCongestionAndFreedOnesAreReused() {
        try (GatewayUnderTest gateway = start(3, 100, 100); Sensor a = gateway.sensor(); Sensor b = gateway.sensor()) {
            a.connect("budget-a");
            a.register("b/1", 1);
            a.register("b/2", 2);
            b.connect("budget-b");
            b.register("b/3", 1);
            b.send(new Register(0, 2, "b/4"));
            assertEquals(ReturnCode.CONGESTION, b.expect(RegAck.class).returnCode());

            a.send(new Disconnect()); // a clean session: its registrations go back to the budget
            a.expect(new Disconnect());
            // ... on a's session loop just after it answered, while b's REGISTER is read on another thread: wait.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            RegAck ack;
            int msgId = 3;
            do {
                b.send(new Register(0, msgId++, "b/4"));
                ack = b.expect(RegAck.class);
            } while (ack.returnCode() == ReturnCode.CONGESTION && System.nanoTime() < deadline);
            assertEquals(ReturnCode.ACCEPTED, ack.returnCode());
        }
    }

    @Test
    void subscribesBeyondTheGlobalBudgetGetSubAckCongestion() {
        try (GatewayUnderTest gateway = start(100, 2, 100); Sensor a = gateway.sensor(); Sensor b = gateway.sensor()) {
            a.connect("budget-a");
            a.subscribe("s/+", 0, 1);
            b.connect("budget-b");
            b.subscribe("s/#", 0, 1);
            b.send(new Subscribe(false, 0, 2, new TopicRef.Name("t/#")));
            assertEquals(ReturnCode.CONGESTION, b.expect(SubAck.class).returnCode());
            assertEquals(1, gateway.metrics().get(Counter.SUBSCRIBE_REJECTED));
        }
    }

    @Test
    void messagesForSleepersBeyondTheKeptBudgetAreDroppedAndCounted() {
        try (GatewayUnderTest gateway = start(100, 100, 2); Sensor sleeper = gateway.sensor();
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            sleeper.connect("budget-sleeper", 60, true);
            int topicId = sleeper.subscribe("kept/x", 1, 1).topicId();
            sleeper.send(new Disconnect(60));
            sleeper.expect(new Disconnect());
            for (String text : List.of("one", "two", "three")) {
                probe.publish("kept/x", text, 1, false);
            }
            GatewayUnderTest.await("the third message to be refused by the budget",
                    () -> gateway.metrics().get(Counter.KEPT_OVER_BUDGET_DROPPED) == 1);

            List<Publish> kept = sleeper.wakeAndAcknowledge("budget-sleeper", topicId);
            assertEquals(List.of("one", "two"),
                    kept.stream().map(p -> new String(p.data(), StandardCharsets.UTF_8)).toList());
            sleeper.send(new PingReq());
            sleeper.expect(new PingResp());
        }
    }
}
