package io.sngw.sim.client;

import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Many asynchronous publishes through a window against a peer that acknowledges everything. */
class MqttSnClientLoadTest {

    /** Answers every QoS 1 PUBLISH with PUBACK and every QoS 2 one with PUBREC, and every PUBREL with PUBCOMP. */
    private static Thread ackingPeer(DatagramSocket socket) {
        Thread peer = new Thread(() -> {
            byte[] buffer = new byte[65536];
            while (!socket.isClosed()) {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(in);
                    byte[] d = in.getData();
                    byte[] answer;
                    if (d[1] == 0x0c && (d[2] & 0x60) == 0x20) {
                        answer = new byte[] {0x07, 0x0d, d[3], d[4], d[5], d[6], 0x00};
                    } else if (d[1] == 0x0c && (d[2] & 0x60) == 0x40) {
                        answer = new byte[] {0x04, 0x0f, d[5], d[6]};
                    } else if (d[1] == 0x10) {
                        answer = new byte[] {0x04, 0x0e, d[2], d[3]};
                    } else {
                        continue;
                    }
                    socket.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        }, "acking-peer");
        peer.setDaemon(true);
        peer.start();
        return peer;
    }

    @Test
    void aWindowOfAsyncPublishesAllComplete() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             MqttSnClient client = new MqttSnClient((InetSocketAddress) socket.getLocalSocketAddress(),
                     ClientOptions.defaults().withMaxInFlight(16))) {
            ackingPeer(socket);
            TopicRef topic = new TopicRef.Registered(1);
            int count = 3000;
            List<CompletableFuture<PubAck>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                acks.add(client.publishAsync(topic, i % 3 == 0 ? 2 : 1, new byte[] {(byte) i}));
            }
            Set<Integer> msgIds = new HashSet<>();
            for (CompletableFuture<PubAck> ack : acks) {
                PubAck pubAck = ack.get(10, TimeUnit.SECONDS);
                assertEquals(ReturnCode.ACCEPTED, pubAck.returnCode());
                msgIds.add(pubAck.msgId());
            }
            assertEquals(count, msgIds.size(), "every publish had its own message id");
        }
    }
}
