package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.security.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** security.require-auth over plain UDP: only enabled devices connect, and each within its ACL. */
class AuthenticationAndAclTest extends AuthenticatedEndToEndTest {
    @BeforeEach
    void registerDevicesAndSubscribeProbe() {
        gateway.devices().put(new Device("meter-1", null, null, List.of("meters/%c/#"), List.of("commands/%c/+"),
                true, Instant.now(), null));
        gateway.devices().put(new Device("meter-off", null, null, List.of("#"), List.of("#"), false, Instant.now(), null));
        probe.subscribe("#", 1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unknownDeviceIsRefusedWithConnAckNotSupportedAndCounted() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.send(new Connect(false, true, 60, "stranger"));
            sensor.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
            assertEquals(1, gateway.metrics().get(Counter.CONNECTS_REFUSED_AUTH));
        }
    }

    @Test
    void disabledDeviceIsRefused() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.send(new Connect(false, true, 60, "meter-off"));
            sensor.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
        }
    }

    @Test
    void publishInsideTheAclReachesTheBrokerAndOutsideGetsPubAckInvalidTopic() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("meter-1");
            int mine = sensor.register("meters/meter-1/kwh", 1);
            int other = sensor.register("meters/meter-2/kwh", 2);

            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(other), 3, bytes("forged")));
            sensor.expect(new PubAck(other, 3, ReturnCode.INVALID_TOPIC_ID));
            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(mine), 4, bytes("12.5")));
            sensor.expect(new PubAck(mine, 4, ReturnCode.ACCEPTED));

            assertEquals("12.5", probe.awaitMessages(1, Duration.ofSeconds(5)).get(0).payloadString());
            sensor.expectNothing(Duration.ofMillis(300));
            assertEquals(1, probe.messages().size(), "the forged reading reached the broker");
            assertEquals(1, gateway.metrics().get(Counter.PUBLISH_IN_REFUSED_ACL));
        }
    }

    @Test
    void qos0PublishOutsideTheAclIsDroppedSilentlyAndCounted() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("meter-1");
            int other = sensor.register("alarms/all", 1);
            sensor.send(new Publish(false, 0, false, new TopicRef.Registered(other), 0, bytes("panic")));
            sensor.expectNothing(Duration.ofMillis(500));
            assertTrue(probe.messages().isEmpty());
            assertEquals(1, gateway.metrics().get(Counter.PUBLISH_IN_REFUSED_ACL));
        }
    }

    @Test
    void subscribeOutsideTheAclGetsSubAckNotSupportedAndInsideIsGranted() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("meter-1");
            sensor.send(new Subscribe(false, 1, 1, new TopicRef.Name("commands/#")));
            sensor.expect(new SubAck(0, 0, 1, ReturnCode.NOT_SUPPORTED)); // wider than commands/meter-1/+
            assertEquals(1, sensor.subscribe("commands/meter-1/+", 1, 2).grantedQos());
            assertEquals(1, gateway.metrics().get(Counter.SUBSCRIBE_REFUSED_ACL));
        }
    }

    @Test
    void qosMinus1FromAPlainUdpAddressIsRefusedWhenAuthenticationIsRequired() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.send(new Publish(false, -1, false, new TopicRef.Short("ab"), 0, bytes("anonymous")));
            GatewayUnderTest.await("the refusal to be counted",
                    () -> gateway.metrics().get(Counter.PUBLISH_IN_REFUSED_ACL) == 1);
            assertTrue(probe.messages().isEmpty());
        }
    }
}
