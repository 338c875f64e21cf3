package io.sngw.it;

import io.sngw.core.codec.MqttSnMessage.GwInfo;
import io.sngw.core.codec.MqttSnMessage.SearchGw;
import io.sngw.testing.MosquittoBroker;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** SEARCHGW is answered to the searcher and, where configured, broadcast so that every sensor learns of the gateway. */
class GwInfoBroadcastTest {

    @Test
    void searchGwIsAnsweredToTheSearcherAndBroadcastWhenConfigured() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start();
             DatagramSocket listener = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String broadcast = "127.0.0.1:" + listener.getLocalPort();
            try (GatewayUnderTest gateway = GatewayUnderTest.start(broker.url(),
                    GatewayUnderTest.options().withGatewayId(7).withBroadcastGwInfo(true), broadcast);
                 Sensor searcher = gateway.sensor()) {
                searcher.send(new SearchGw(1));
                searcher.expect(new GwInfo(7));

                listener.setSoTimeout(5000);
                DatagramPacket packet = new DatagramPacket(new byte[16], 16);
                listener.receive(packet);
                assertArrayEquals(new byte[] {0x03, 0x02, 0x07}, Arrays.copyOf(packet.getData(), packet.getLength()));
            }
        }
    }
}
