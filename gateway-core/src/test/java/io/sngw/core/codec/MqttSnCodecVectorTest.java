package io.sngw.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sngw.core.codec.DecodeResult.Decoded;
import io.sngw.core.codec.MqttSnMessage.Advertise;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.Encapsulated;
import io.sngw.core.codec.MqttSnMessage.GwInfo;
import io.sngw.core.codec.MqttSnMessage.PingReq;
import io.sngw.core.codec.MqttSnMessage.PingResp;
import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.MqttSnMessage.PubRel;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SearchGw;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.UnsubAck;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.MqttSnMessage.WillMsg;
import io.sngw.core.codec.MqttSnMessage.WillMsgReq;
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicReq;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every test vector of the spec's table (shared/spec/mqtt-sn-1.2.md), decoded and encoded. */
class MqttSnCodecVectorTest {

    static Stream<Arguments> vectors() {
        return Stream.of(
                vector("ADVERTISE gwId=1 duration=900", "05 00 01 03 84", new Advertise(1, 900)),
                vector("SEARCHGW radius=1", "03 01 01", new SearchGw(1)),
                vector("GWINFO gwId=1 (from gateway, no address)", "03 02 01", new GwInfo(1)),
                vector("CONNECT cleanSession, duration=60, clientId='sensor1'",
                        "0d 04 04 01 00 3c 73 65 6e 73 6f 72 31", new Connect(false, true, 60, "sensor1")),
                vector("CONNECT will+cleanSession, duration=30, clientId='s2'",
                        "08 04 0c 01 00 1e 73 32", new Connect(true, true, 30, "s2")),
                vector("CONNACK accepted", "03 05 00", new ConnAck(ReturnCode.ACCEPTED)),
                vector("CONNACK rejected: congestion", "03 05 01", new ConnAck(ReturnCode.CONGESTION)),
                vector("WILLTOPICREQ", "02 06", new WillTopicReq()),
                vector("WILLTOPIC qos=1 retain 'dead/s2'", "0a 07 30 64 65 61 64 2f 73 32",
                        new WillTopic(1, true, "dead/s2")),
                vector("WILLTOPIC empty (delete will)", "02 07", WillTopic.none()),
                vector("WILLMSGREQ", "02 08", new WillMsgReq()),
                vector("WILLMSG 'gone'", "06 09 67 6f 6e 65", new WillMsg(ascii("gone"))),
                vector("REGISTER from client topicId=0 msgId=1 'home/temp'",
                        "0f 0a 00 00 00 01 68 6f 6d 65 2f 74 65 6d 70", new Register(0, 1, "home/temp")),
                vector("REGACK topicId=1 msgId=1 accepted", "07 0b 00 01 00 01 00", new RegAck(1, 1, ReturnCode.ACCEPTED)),
                vector("PUBLISH qos0 normal topicId=1 msgId=0 '21.5'", "0b 0c 00 00 01 00 00 32 31 2e 35",
                        publish(false, 0, false, new TopicRef.Registered(1), 0, "21.5")),
                vector("PUBLISH qos1 normal topicId=1 msgId=2 '21.5'", "0b 0c 20 00 01 00 02 32 31 2e 35",
                        publish(false, 1, false, new TopicRef.Registered(1), 2, "21.5")),
                vector("PUBLISH qos2 retain normal topicId=7 msgId=3 'on'", "09 0c 50 00 07 00 03 6f 6e",
                        publish(false, 2, true, new TopicRef.Registered(7), 3, "on")),
                vector("PUBLISH qos-1 predefined topicId=5 msgId=0 'x'", "08 0c 61 00 05 00 00 78",
                        publish(false, -1, false, new TopicRef.Predefined(5), 0, "x")),
                vector("PUBLISH qos-1 short name 'ab' msgId=0 'hi'", "09 0c 62 61 62 00 00 68 69",
                        publish(false, -1, false, new TopicRef.Short("ab"), 0, "hi")),
                vector("PUBLISH qos1 dup normal topicId=1 msgId=2 '21.5'", "0b 0c a0 00 01 00 02 32 31 2e 35",
                        publish(true, 1, false, new TopicRef.Registered(1), 2, "21.5")),
                vector("PUBACK topicId=1 msgId=2 accepted", "07 0d 00 01 00 02 00", new PubAck(1, 2, ReturnCode.ACCEPTED)),
                vector("PUBACK topicId=9 msgId=4 invalid topic id", "07 0d 00 09 00 04 02",
                        new PubAck(9, 4, ReturnCode.INVALID_TOPIC_ID)),
                vector("PUBREC msgId=3", "04 0f 00 03", new PubRec(3)),
                vector("PUBREL msgId=3", "04 10 00 03", new PubRel(3)),
                vector("PUBCOMP msgId=3", "04 0e 00 03", new PubComp(3)),
                vector("SUBSCRIBE qos1 topic name 'a/+/c' msgId=5", "0a 12 20 00 05 61 2f 2b 2f 63",
                        new Subscribe(false, 1, 5, new TopicRef.Name("a/+/c"))),
                vector("SUBSCRIBE qos0 predefined topicId=5 msgId=6", "07 12 01 00 06 00 05",
                        new Subscribe(false, 0, 6, new TopicRef.Predefined(5))),
                vector("SUBSCRIBE qos0 short name 'ab' msgId=7", "07 12 02 00 07 61 62",
                        new Subscribe(false, 0, 7, new TopicRef.Short("ab"))),
                vector("SUBACK qos1 topicId=0 (wildcard) msgId=5 accepted", "08 13 20 00 00 00 05 00",
                        new SubAck(1, 0, 5, ReturnCode.ACCEPTED)),
                vector("SUBACK qos1 topicId=3 msgId=8 accepted", "08 13 20 00 03 00 08 00",
                        new SubAck(1, 3, 8, ReturnCode.ACCEPTED)),
                vector("UNSUBSCRIBE topic name 'a/+/c' msgId=9", "0a 14 00 00 09 61 2f 2b 2f 63",
                        new Unsubscribe(9, new TopicRef.Name("a/+/c"))),
                vector("UNSUBACK msgId=9", "04 15 00 09", new UnsubAck(9)),
                vector("PINGREQ (no client id)", "02 16", new PingReq()),
                vector("PINGREQ from sleeping client 'sensor1'", "09 16 73 65 6e 73 6f 72 31", new PingReq("sensor1")),
                vector("PINGRESP", "02 17", new PingResp()),
                vector("DISCONNECT", "02 18", new Disconnect()),
                vector("DISCONNECT duration=300 (go to sleep)", "04 18 01 2c", new Disconnect(300)),
                vector("WILLTOPICUPD qos0 'dead/s3'", "0a 1a 00 64 65 61 64 2f 73 33", new WillTopicUpd(0, false, "dead/s3")),
                vector("WILLTOPICRESP accepted", "03 1b 00", new WillTopicResp(ReturnCode.ACCEPTED)),
                vector("WILLMSGUPD 'bye'", "05 1c 62 79 65", new WillMsgUpd(ascii("bye"))),
                vector("WILLMSGRESP accepted", "03 1d 00", new WillMsgResp(ReturnCode.ACCEPTED)),
                Arguments.of("PUBLISH qos0 topicId=1 msgId=0 with 300-byte payload (long length form)",
                        longPublishBytes(), publish(false, 0, false, new TopicRef.Registered(1), 0, longPayload())),
                vector("Encapsulated: radius=1, node 0x0013A200, wrapping the QoS -1 short-name PUBLISH",
                        "07 fe 01 00 13 a2 00 09 0c 62 61 62 00 00 68 69",
                        new Encapsulated(1, Hex.bytes("00 13 a2 00"), Hex.bytes("09 0c 62 61 62 00 00 68 69"))));
    }

    @ParameterizedTest(name = "decode {0}")
    @MethodSource("vectors")
    void decodesVector(String name, byte[] wire, MqttSnMessage expected) {
        assertEquals(new Decoded(expected), MqttSnCodec.decode(wire));
    }

    @ParameterizedTest(name = "encode {0}")
    @MethodSource("vectors")
    void encodesVector(String name, byte[] wire, MqttSnMessage message) {
        assertEquals(Hex.of(wire), Hex.of(MqttSnCodec.encode(message)));
        assertEquals(wire.length, MqttSnCodec.encodedLength(message));
    }

    /** The table abbreviates the 309-byte vector; check the parts it does show against the bytes built here. */
    @Test
    void longPublishVectorMatchesWhatTheSpecShows() {
        String hex = Hex.of(longPublishBytes());
        assertEquals(309, longPublishBytes().length);
        assertEquals("01 01 35 0c 00 00 01 00 00 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f", hex.substring(0, 71));
        assertEquals("6b 6c 6d 6e", hex.substring(hex.length() - 11));
    }

    private static Arguments vector(String name, String hex, MqttSnMessage message) {
        return Arguments.of(name, Hex.bytes(hex), message);
    }

    private static Publish publish(boolean dup, int qos, boolean retain, TopicRef topic, int msgId, String data) {
        return publish(dup, qos, retain, topic, msgId, ascii(data));
    }

    private static Publish publish(boolean dup, int qos, boolean retain, TopicRef topic, int msgId, byte[] data) {
        return new Publish(dup, qos, retain, topic, msgId, data);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** 300 bytes 'a' + (i % 26), as the spec's long-form vector describes. */
    private static byte[] longPayload() {
        byte[] payload = new byte[300];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        return payload;
    }

    private static byte[] longPublishBytes() {
        byte[] header = Hex.bytes("01 01 35 0c 00 00 01 00 00");
        byte[] payload = longPayload();
        byte[] wire = new byte[header.length + payload.length];
        System.arraycopy(header, 0, wire, 0, header.length);
        System.arraycopy(payload, 0, wire, header.length, payload.length);
        return wire;
    }
}
