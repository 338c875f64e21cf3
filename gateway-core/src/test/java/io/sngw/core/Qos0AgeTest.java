package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import io.sngw.core.store.NoStore;
import io.sngw.core.upstream.UpstreamMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * upstream.qos0-max-age bounds "datagram arrival → write to the broker": a QoS 0 reading ages from the moment the
 * link handed its datagram to the core, so the time it waits in front of a busy session loop counts, in virtual time.
 */
class Qos0AgeTest {
    private static final Duration MAX_AGE = Duration.ofMillis(100);

    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults(), NoStore.INSTANCE, MAX_AGE);

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void aQos0PublishCarriesTheInstantItsDatagramArrivedPastTheSessionLoopsQueue() {
        SensorEnd sensor = connect("meter");
        long arrived = core.time.nanoTime();
        sensor.arrives(reading("late"));
        core.time.stall(Duration.ofMillis(30));
        core.time.settle();

        UpstreamMessage published = core.broker.published.get(0);
        assertEquals(arrived, published.receivedAtNanos());
        assertEquals(arrived + MAX_AGE.toNanos(), published.staleAtNanos());
    }

    @Test
    void aQos0PublishThatWaitedLongerThanTheBoundBeforeTheLoopTookItIsDroppedAndCounted() {
        SensorEnd sensor = connect("meter");
        sensor.arrives(reading("old"));
        core.time.stall(Duration.ofMillis(150));
        core.time.settle();

        assertEquals(List.of(), core.broker.payloadsOn("ab"));
        assertEquals(1, core.broker.droppedStale.size());
        assertEquals(1, core.gateway.metrics().get(Counter.PUBLISH_IN_DROPPED));
    }

    @Test
    void aQos0PublishWithinTheBoundIsDelivered() {
        SensorEnd sensor = connect("meter");
        sensor.arrives(reading("fresh"));
        core.time.stall(Duration.ofMillis(99));
        core.time.settle();

        assertEquals(List.of("fresh"), core.broker.payloadsOn("ab"));
        assertEquals(0, core.gateway.metrics().get(Counter.PUBLISH_IN_DROPPED));
    }

    private SensorEnd connect(String clientId) {
        SensorEnd sensor = core.sensor(clientId);
        sensor.send(new Connect(false, true, 60, clientId));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        return sensor;
    }

    private static Publish reading(String text) {
        return new Publish(false, 0, false, new TopicRef.Short("ab"), 0, text.getBytes());
    }
}
