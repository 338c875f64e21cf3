package io.sngw.it;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.security.Device;
import io.sngw.core.store.StoredState;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.store.sqlite.StoreOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * security.require-auth and a device changed while its sensor is connected: disabled or removed, the session ends at
 * once (DISCONNECT, no will, nothing left in the store); with a new ACL, the new grants apply to the live session.
 */
class DeviceRevocationTest extends AuthenticatedEndToEndTest {
    private static final List<String> PUBLISH = List.of("meters/%c/#");
    private static final List<String> SUBSCRIBE = List.of("commands/%c/+");

    @BeforeEach
    void registerDevice() {
        gateway.devices().put(meter(true, PUBLISH, SUBSCRIBE));
    }

    private static Device meter(boolean enabled, List<String> publish, List<String> subscribe) {
        return new Device("meter-1", null, null, publish, subscribe, enabled, Instant.now(), null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aConnectedSensorWhoseDeviceIsDisabledGetsDisconnectAndCannotPublishOrReconnect() {
        probe.subscribe("meters/#", 1);
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("meter-1");
            int topic = sensor.register("meters/meter-1/kwh", 1);

            gateway.devices().put(meter(false, PUBLISH, SUBSCRIBE));

            sensor.expect(new Disconnect());
            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(topic), 2, bytes("after")));
            sensor.expect(new Disconnect()); // the no-session answer: there is nothing left to publish through
            sensor.send(new Connect(false, true, 60, "meter-1"));
            sensor.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
            assertEquals(1, gateway.metrics().get(Counter.SESSIONS_REVOKED));
            assertTrue(probe.messages().isEmpty(), "published after revocation: " + probe.messages());
        }
    }

    @Test
    void aDeviceDisabledThroughAnotherConnectionToTheStoreEndsItsSession() {
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("meter-1");

            // As `sngw devices disable` does: its own connection to the same file, no watch of its own.
            try (SqliteStore cli = SqliteStore.open(dir, StoreOptions.defaults().withDeviceWatch(Duration.ZERO))) {
                cli.put(meter(false, PUBLISH, SUBSCRIBE));
                cli.flush().join();
            }

            sensor.expect(new Disconnect()); // within the store's reload period of 2 s
            sensor.send(new PingReq());
            sensor.expect(new Disconnect());
        }
    }

    @Test
    void aRemovedDevicesSleepingSessionIsDiscardedWithoutItsWillAndWithItsStoredMessages() {
        probe.subscribe("will/#", 1);
        try (Sensor sensor = gateway.sensor()) {
            sensor.connectWithWill("meter-1", 60, false, "meters/meter-1/will", "gone");
            sensor.subscribe("commands/meter-1/valve", 1, 1);
            sensor.send(new Disconnect(600));
            sensor.expect(new Disconnect());
            probe.publish("commands/meter-1/valve", "close", 1, false);
            GatewayUnderTest.await("the command to be kept for the sleeper",
                    () -> !stored().pending().getOrDefault("meter-1", List.of()).isEmpty());

            assertTrue(gateway.devices().remove("meter-1"));

            GatewayUnderTest.await("the session to be revoked",
                    () -> gateway.metrics().get(Counter.SESSIONS_REVOKED) == 1);
            sensor.expectNothing(Duration.ofMillis(300)); // asleep: not listening, so not told
            StoredState stored = stored();
            assertTrue(stored.sessions().isEmpty(), "stored sessions: " + stored.sessions());
            assertTrue(stored.pending().isEmpty(), "stored messages: " + stored.pending());
            sensor.send(new PingReq("meter-1"));
            sensor.expect(new Disconnect()); // it wakes and learns it has no session
            assertEquals(0, gateway.metrics().get(Counter.WILLS_PUBLISHED));
            assertTrue(probe.messages().stream().noneMatch(m -> m.topic().startsWith("meters/")),
                    "the will was published: " + probe.messages());
        }
    }

    private StoredState stored() {
        gateway.store().flush().join();
        return gateway.store().load();
    }

    @Test
    void aDeviceWhoseAclChangedHasTheNewGrantsAppliedToItsLiveSession() {
        probe.subscribe("readings/#", 1);
        try (Sensor sensor = gateway.sensor()) {
            sensor.connect("meter-1");
            int old = sensor.register("meters/meter-1/kwh", 1);
            int now = sensor.register("readings/meter-1", 2);
            assertEquals(ReturnCode.ACCEPTED, sensor.subscribe("commands/meter-1/+", 1, 3).returnCode());

            gateway.devices().put(meter(true, List.of("readings/%c"), List.of("config/%c")));
            GatewayUnderTest.await("the new grants to be applied",
                    () -> gateway.metrics().get(Counter.GRANTS_UPDATED) == 1);

            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(old), 4, bytes("1")));
            sensor.expect(new PubAck(old, 4, ReturnCode.INVALID_TOPIC_ID));
            sensor.send(new Publish(false, 1, false, new TopicRef.Registered(now), 5, bytes("2")));
            sensor.expect(new PubAck(now, 5, ReturnCode.ACCEPTED));
            sensor.send(new Subscribe(false, 1, 6, new TopicRef.Name("commands/meter-1/+")));
            sensor.expect(new SubAck(0, 0, 6, ReturnCode.NOT_SUPPORTED));
            probe.publish("commands/meter-1/valve", "close", 1, false);
            sensor.expectNothing(Duration.ofMillis(500)); // the subscription it no longer may hold is gone
            assertEquals(0, gateway.metrics().get(Counter.SESSIONS_REVOKED));
        }
    }
}
