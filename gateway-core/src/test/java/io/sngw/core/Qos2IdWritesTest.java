package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sensor's QoS 2 message id under the first-witness rule: it is written to the store only when the sensor's PUBREL
 * has not come within the write delay, which is when a crash could meet a sensor repeating the PUBLISH; a sensor in
 * lockstep costs no write at all. In virtual time, on a {@link MemoryStore} that a second harness reopens.
 */
class Qos2IdWritesTest {
    private static final Duration DELAY = Duration.ofMillis(20);
    private static final GatewayOptions OPTIONS = GatewayOptions.defaults().withPubRelWriteDelay(DELAY);
    private final MemoryStore store = new MemoryStore();

    @Test
    void aPubRelWithinTheWriteDelayCostsNoWrite() {
        try (CoreHarness core = new CoreHarness(OPTIONS, store)) {
            SensorEnd sensor = connect(core);
            sensor.send(publish(7, "lockstep"));
            sensor.expect(new PubRec(7));
            core.advance(Duration.ofMillis(5));
            sensor.send(new PubRel(7));
            sensor.expect(new PubComp(7));
            core.advance(Duration.ofSeconds(1));

            assertEquals(0, store.pubRelRowWrites);
            assertEquals(1, core.gateway.metrics().get(Counter.PUBREL_IDS_NOT_WRITTEN));
            assertEquals(List.of("lockstep"), core.broker.payloadsOn("up/q2"));
        }
    }

    @Test
    void anIdWhosePubRelIsLateIsWrittenSoThatARestartedGatewayRecognisesTheSensorsDup() {
        Publish once = null;
        try (CoreHarness before = new CoreHarness(OPTIONS, store)) {
            SensorEnd sensor = connect(before);
            once = publish(7, "once");
            sensor.send(once);
            sensor.expect(new PubRec(7)); // lost on the way, say: the sensor will repeat the PUBLISH
            before.advance(DELAY);
            assertEquals(1, store.pubRelRowWrites);
            assertEquals(List.of("once"), before.broker.payloadsOn("up/q2"));
        }
        try (CoreHarness after = new CoreHarness(OPTIONS, store)) {
            SensorEnd sensor = after.sensor("q2");
            sensor.send(once.withDup());
            sensor.expect(new PubRec(7));
            sensor.send(new PubRel(7));
            sensor.expect(new PubComp(7));
            assertEquals(List.of(), after.broker.payloadsOn("up/q2"), "the DUP did not reach the broker again");
            assertEquals(2, store.pubRelRowWrites, "the row and its delete");
        }
    }

    @Test
    void withoutAWriteDelayTheIdIsWrittenBeforePubRec() {
        try (CoreHarness core = new CoreHarness(OPTIONS.withPubRelWriteDelay(Duration.ZERO), store)) {
            SensorEnd sensor = connect(core);
            sensor.send(publish(7, "strict"));
            sensor.expect(new PubRec(7));
            assertEquals(1, store.pubRelRowWrites);
            sensor.send(new PubRel(7));
            sensor.expect(new PubComp(7));
            assertEquals(2, store.pubRelRowWrites);
        }
    }

    private static SensorEnd connect(CoreHarness core) {
        SensorEnd sensor = core.sensor("q2");
        sensor.send(new Connect(false, false, 60, "q2"));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        sensor.send(new Register(0, 1, "up/q2"));
        assertEquals(1, sensor.expect(RegAck.class).topicId());
        return sensor;
    }

    private static Publish publish(int msgId, String text) {
        return new Publish(false, 2, false, new TopicRef.Registered(1), msgId, text.getBytes());
    }
}
