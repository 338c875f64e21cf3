package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.codec.MalformedReason;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CONNECT answers: a client id the decoder refuses still gets a CONNACK, so the client does not wait for ever. */
class ConnectTest {
    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults());

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void aClientIdOf23BytesIsAccepted() {
        SensorEnd sensor = core.sensor("max");
        sensor.send(new Connect(false, true, 60, "a".repeat(23)));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
    }

    @Test
    void aClientIdOver23BytesIsRefusedWithConnAckNotSupported() {
        SensorEnd sensor = core.sensor("paho");
        sensor.sendBytes(connect("PahoMQTT-SN-qos0pub_register-0001")); // 33 bytes, as Paho's sample sends
        sensor.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
        sensor.expectNothing();
        assertEquals(1, core.gateway.metrics().malformed(MalformedReason.BAD_CLIENT_ID));
        assertEquals(1, core.gateway.metrics().get(Counter.CONNECTS_REFUSED_CLIENT_ID));
    }

    @Test
    void anEmptyClientIdIsRefusedWithConnAckNotSupported() {
        SensorEnd sensor = core.sensor("empty");
        sensor.sendBytes(connect(""));
        sensor.expect(new ConnAck(ReturnCode.NOT_SUPPORTED));
    }

    private static byte[] connect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] connect = new byte[6 + id.length];
        connect[0] = (byte) connect.length;
        connect[1] = 0x04; // CONNECT
        connect[2] = 0x04; // CleanSession
        connect[3] = 0x01; // protocol id
        connect[5] = 0x3c; // keep-alive 60 s
        System.arraycopy(id, 0, connect, 6, id.length);
        return connect;
    }
}
