package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.store.PendingMessage;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.FreePorts;
import io.sngw.testing.MosquittoBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Messages to a sensor survive a SIGKILL of the gateway with their delivery state: the restarted gateway resends an
 * unacknowledged QoS 1 PUBLISH with its id and DUP, and resumes a QoS 2 delivery the sensor answered with PUBREC
 * with PUBREL, so that the sensor, which noticed nothing, delivers each message once.
 */
class RedeliveryAcrossRestartTest {
    private static final String CLIENT = "redeliver-restart";

    @TempDir
    Path dir;

    @Test
    void unacknowledgedDeliveriesResumeWithTheirIdsAfterAGatewayKill() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
            String yaml = GatewayProcess.config(udp, broker.url(), "sngw-redeliver-restart", dir);
            try (GatewayProcess gateway = GatewayProcess.start(dir, yaml, udp);
                 Sensor sensor = new Sensor(udp)) {
                sensor.connect(CLIENT, 60, false);
                int q1Topic = sensor.subscribe("restart/q1", 1, 1).topicId();
                sensor.subscribe("restart/q2", 2, 2);
                probe.publish("restart/q1", "one", 1, false);
                Publish one = sensor.expect(Publish.class);
                probe.publish("restart/q2", "two", 2, false);
                Publish two = sensor.expect(Publish.class);
                sensor.send(new PubRec(two.msgId()));
                sensor.expect(new PubRel(two.msgId())); // sent only once "released" is on disk
                GatewayUnderTest.await("the QoS 1 message's id to be on disk", () -> pending().stream()
                        .anyMatch(p -> p.msgId() == one.msgId() && !p.released()));

                gateway.kill();
                gateway.restart();

                sensor.expect(one.withDup());
                sensor.expect(new PubRel(two.msgId()));
                probe.publish("restart/q1", "three", 1, false);
                Publish three = sensor.expect(Publish.class);
                assertFalse(three.dup());
                assertEquals("three", new String(three.data(), StandardCharsets.UTF_8));
                // The restarted gateway counts ids from 1 again: it must skip the ones still in use.
                assertNotEquals(one.msgId(), three.msgId());
                assertNotEquals(two.msgId(), three.msgId());
                sensor.send(new PubAck(q1Topic, one.msgId(), ReturnCode.ACCEPTED));
                sensor.send(new PubComp(two.msgId()));
                sensor.send(new PubAck(q1Topic, three.msgId(), ReturnCode.ACCEPTED));
                GatewayUnderTest.await("every message to the sensor to be forgotten on disk", () -> pending().isEmpty());
                sensor.expectNothing(Duration.ofMillis(300));
            }
        }
    }

    /** What the running gateway's store keeps for the sensor. */
    private List<PendingMessage> pending() {
        return GatewayProcess.stored(dir).pending().getOrDefault(CLIENT, List.of());
    }
}
