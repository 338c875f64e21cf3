package io.sngw.it;

import io.sngw.core.GatewayMetrics;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.Qos2Result;
import io.sngw.sim.client.ReceivedMessage;
import io.sngw.sim.client.Will;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The project's own client library against the real gateway and Mosquitto: proof that the two agree. */
class SensorSimulatorEndToEndTest extends EndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @BeforeEach
    void subscribeProbe() {
        probe.subscribe("sim/#", 2);
    }

    private MqttSnClient client() {
        return new MqttSnClient(gateway.address(),
                ClientOptions.defaults().withPredefinedTopics(GatewayUnderTest.PREDEFINED));
    }

    @Test
    void connectWithWillThenRegisterAndPublishAtQos1AndQos2ReachTheBroker() {
        try (MqttSnClient client = client()) {
            ConnAck connAck = client.connect("sim-pub", 60, true, new Will("sim/will", bytes("gone"), 1, false));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), connAck);

            RegAck regAck = client.register("sim/q1");
            assertEquals(ReturnCode.ACCEPTED, regAck.returnCode());
            PubAck q1 = client.publish("sim/q1", 1, false, bytes("one"));
            assertEquals(ReturnCode.ACCEPTED, q1.returnCode());
            assertEquals(regAck.topicId(), q1.topicId());

            RegAck q2Reg = client.register("sim/q2");
            Qos2Result q2 = client.publishQos2(new TopicRef.Registered(q2Reg.topicId()), false, bytes("two"));
            assertTrue(q2.completed(), "PUBREC/PUBREL/PUBCOMP ran: " + q2);

            List<ProbeMessage> messages = probe.awaitMessages(2, WAIT);
            assertEquals(new ProbeMessage("sim/q1", bytes("one"), 1, false, false), messages.get(0));
            assertEquals(new ProbeMessage("sim/q2", bytes("two"), 2, false, false), messages.get(1));
        }
    }

    @Test
    void predefinedIdsAndShortNamesPublishWithoutRegistering() {
        try (MqttSnClient client = client(); BrokerProbe sensors = new BrokerProbe(broker.url())) {
            sensors.subscribe("sensors/temp", 1);
            sensors.subscribe("zz", 1);
            client.publishWithoutConnection(new TopicRef.Short("zz"), bytes("no session"));
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), client.connect("sim-predef", 60, true));
            PubAck ack = client.publish("sensors/temp", 1, false, bytes("21.5")); // predefined id 1 in the client
            assertEquals(new PubAck(1, ack.msgId(), ReturnCode.ACCEPTED), ack);
            List<ProbeMessage> messages = sensors.awaitMessages(2, WAIT);
            assertTrue(messages.contains(new ProbeMessage("zz", bytes("no session"), 0, false, false)), messages::toString);
            assertTrue(messages.contains(new ProbeMessage("sensors/temp", bytes("21.5"), 1, false, false)), messages::toString);
        }
    }

    @Test
    void subscribeByFilterAndByNameThenReceiveWhatTheBrokerPublishes() {
        try (MqttSnClient client = client()) {
            client.connect("sim-sub", 60, true);
            SubAck wildcard = client.subscribe("sim/in/+", 1);
            assertEquals(new SubAck(1, 0, wildcard.msgId(), ReturnCode.ACCEPTED), wildcard);
            SubAck exact = client.subscribe("sim/exact", 2);
            assertEquals(ReturnCode.ACCEPTED, exact.returnCode());
            assertTrue(exact.topicId() != 0, "a topic name without wildcards gets its id in SUBACK");

            probe.publish("sim/in/kitchen", "on", 1, false);
            ReceivedMessage first = client.nextMessage(WAIT);
            assertNotNull(first, "message on sim/in/kitchen");
            assertEquals("sim/in/kitchen", first.topic()); // named by the gateway's REGISTER
            assertEquals("on", first.payloadAsString());
            assertEquals(1, first.qos());

            probe.publish("sim/exact", "exactly once", 2, false);
            ReceivedMessage second = client.nextMessage(WAIT);
            assertNotNull(second, "message on sim/exact");
            assertEquals(new TopicRef.Registered(exact.topicId()), second.topicRef());
            assertEquals("exactly once", second.payloadAsString());
            assertEquals(2, second.qos());
        }
    }

    @Test
    void disconnectIsAnsweredAndTheWillIsNotPublished() {
        try (MqttSnClient client = client()) {
            client.connect("sim-bye", 1, true, new Will("sim/will/bye", bytes("gone"), 0, false));
            assertEquals(new Disconnect(), client.disconnect());
            assertTrue(client.nextUnsolicited(Duration.ofMillis(2000)) == null, "nothing after DISCONNECT");
            assertTrue(probe.messages().isEmpty(), "no will after DISCONNECT: " + probe.messages());
        }
    }

    @Test
    void aClientThatFallsSilentHasItsWillPublished() {
        try (MqttSnClient client = client()) {
            client.connect("sim-silent", 1, true, new Will("sim/will/silent", bytes("lost"), 1, false));
        }
        ProbeMessage will = probe.awaitMessages(1, WAIT).get(0);
        assertEquals(new ProbeMessage("sim/will/silent", bytes("lost"), 1, false, false), will);
    }

    @Test
    void aSleepingClientCollectsWhatArrivedWhenItWakes() {
        try (MqttSnClient client = client()) {
            client.connect("sim-sleepy", 60, true);
            client.subscribe("sim/wake", 1);
            assertEquals(new Disconnect(), client.sleep(60)); // acknowledged with a plain DISCONNECT
            probe.publish("sim/wake", "while you slept", 1, false);
            probe.awaitMessages(1, WAIT);
            // The probe having it does not mean the gateway has it yet: the broker writes to each subscriber in turn.
            GatewayUnderTest.await("the gateway to receive the message from the broker",
                    () -> gateway.metrics().get(GatewayMetrics.Counter.UPSTREAM_MESSAGES_IN) >= 1);
            // From the bridge it still crosses to the session's loop: a wake-up before it got there ends with an
            // empty PINGRESP, and it waits, buffered, for the next one, as a real sensor wakes again later.
            List<ReceivedMessage> collected = new ArrayList<>();
            GatewayUnderTest.await("a wake-up to collect the message", () -> {
                collected.addAll(client.wake());
                return !collected.isEmpty();
            });
            assertEquals(1, collected.size(), collected::toString);
            assertEquals("while you slept", collected.get(0).payloadAsString());
            assertEquals(1, collected.get(0).qos());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
