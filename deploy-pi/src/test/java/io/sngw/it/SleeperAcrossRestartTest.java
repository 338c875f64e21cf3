package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A sleeping sensor does not notice that the gateway was killed and started again while it slept: it wakes to find
 * what was kept for it, with the topic id it was given, and its subscription and registrations still hold.
 */
class SleeperAcrossRestartTest {
    @TempDir
    Path dir;

    @Test
    void sleeperWakesAfterAGatewayKillToFindItsMessagesAndKeepsItsTopicIds() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             BrokerProbe probe = new BrokerProbe(broker.url())) {
            probe.subscribe("restart/out", 1);
            InetSocketAddress udp = new InetSocketAddress("127.0.0.1", FreePorts.udp());
            String yaml = GatewayProcess.config(udp, broker.url(), "sngw-restart", dir);
            try (GatewayProcess gateway = GatewayProcess.start(dir, yaml, udp);
                 Sensor sensor = new Sensor(udp)) {
                sensor.connect("restart-sleeper", 60, false);
                int inId = sensor.subscribe("restart/in", 1, 1).topicId();
                int outId = sensor.register("restart/out", 2);
                sensor.send(new Disconnect(600));
                sensor.expect(new Disconnect());
                probe.publish("restart/in", "kept-1", 1, false);
                probe.publish("restart/in", "kept-2", 0, false);
                sensor.expectNothing(Duration.ofMillis(500)); // asleep; and time for the store's commit

                gateway.kill();
                gateway.restart();

                sensor.send(new PingReq("restart-sleeper"));
                Publish first = sensor.expect(Publish.class);
                assertEquals(new TopicRef.Registered(inId), first.topic());
                assertEquals("kept-1", text(first));
                sensor.send(new PubAck(inId, first.msgId(), ReturnCode.ACCEPTED));
                assertEquals("kept-2", text(sensor.expect(Publish.class)));
                sensor.expect(new PingResp());

                // Its subscription was restored at the broker (once the restarted gateway has reconnected, which
                // the sensor cannot see: it wakes again until something arrives), and its registration still holds.
                Publish after = null;
                for (int attempt = 0; attempt < 20 && after == null; attempt++) {
                    probe.publish("restart/in", "after", 1, false);
                    sensor.expectNothing(Duration.ofMillis(300));
                    List<Publish> woke = sensor.wakeAndAcknowledge("restart-sleeper", inId);
                    after = woke.isEmpty() ? null : woke.get(0); // a repeated "after" may follow it
                }
                assertNotNull(after, "nothing published after the restart reached the sleeper");
                assertEquals("after", text(after));
                sensor.send(new Publish(false, 1, false, new TopicRef.Registered(outId), 9,
                        "from-bed".getBytes(StandardCharsets.UTF_8)));
                sensor.expect(new PubAck(outId, 9, ReturnCode.ACCEPTED));
                assertEquals("from-bed", probe.awaitMessages(1, Duration.ofSeconds(5)).get(0).payloadString());
            }
        }
    }

    private static String text(Publish publish) {
        return new String(publish.data(), StandardCharsets.UTF_8);
    }
}
