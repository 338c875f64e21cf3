package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.TopicRef;
import io.sngw.testing.BrokerProbe;
import io.sngw.testing.FreePorts;
import io.sngw.testing.MosquittoBroker;
import io.sngw.testing.ProbeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Exactly once across a kill: a sensor whose QoS 2 PUBLISH was answered with PUBREC (which it did not hear, say) does
 * not notice that the gateway was killed with SIGKILL and started again before its PUBREL. The gateway still knows the message id, so the
 * sensor's retry (DUP) is answered without reaching the broker a second time, and the handshake completes.
 */
class Qos2AcrossRestartTest {
    private static final String CLIENT = "qos2-restart";
    private static final String TOPIC = "restart/qos2";

    @TempDir
    Path dir;

    @Test
    void qos2PublishRepeatedWithDupAfterAGatewayKillIsAnsweredButReachesTheBrokerOnce() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe(TOPIC, 2);
            InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
            String yaml = GatewayProcess.config(udp, broker.url(), "sngw-qos2-restart", dir);
            try (GatewayProcess gateway = GatewayProcess.start(dir, yaml, udp);
                 Sensor sensor = new Sensor(udp)) {
                sensor.connect(CLIENT, 60, false);
                int topicId = sensor.register(TOPIC, 1);
                Publish once = publish(topicId, 7, "once");
                sensor.send(once);
                sensor.expect(new PubRec(7));
                // No PUBREL within store.write-delay: the id goes to disk (a PUBREL in time would have spared it).
                GatewayUnderTest.await("the id waiting for PUBREL on disk", () -> GatewayProcess.stored(dir).sessions()
                        .stream().anyMatch(s -> s.clientId().equals(CLIENT) && s.awaitingPubRel().contains(7)));
                probe.awaitMessages(1, Duration.ofSeconds(10));
                // The outbound queue delivers at least once: a message the broker acknowledged but whose removal
                // from the queue is not committed yet is sent again after a kill. The kill comes once it is gone,
                // so that what this tests is the id's restart, not the queue's.
                GatewayUnderTest.await("the outbound queue to be empty on disk",
                        () -> GatewayProcess.stored(dir).outbound().count() == 0);

                gateway.kill();
                gateway.restart();

                sensor.send(once.withDup());
                sensor.expect(new PubRec(7));
                sensor.send(new PubRel(7));
                sensor.expect(new PubComp(7));
                // The outbound queue keeps order: a second "once" would reach the broker before "after".
                sensor.send(publish(topicId, 8, "after"));
                sensor.expect(new PubRec(8));
                sensor.send(new PubRel(8));
                sensor.expect(new PubComp(8));
                probe.awaitMessages(2, Duration.ofSeconds(15));
                assertEquals(List.of("once", "after"), probe.messages().stream().map(ProbeMessage::payloadString)
                        .toList(), gateway.logTail());
            }
        }
    }

    private static Publish publish(int topicId, int msgId, String text) {
        return new Publish(false, 2, false, new TopicRef.Registered(topicId), msgId,
                text.getBytes(StandardCharsets.UTF_8));
    }
}
