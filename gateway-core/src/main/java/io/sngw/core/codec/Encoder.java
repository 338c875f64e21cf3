package io.sngw.core.codec;

import io.sngw.core.codec.MqttSnMessage.Advertise;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.Encapsulated;
import io.sngw.core.codec.MqttSnMessage.GwInfo;
import io.sngw.core.codec.MqttSnMessage.PingReq;
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
import io.sngw.core.codec.MqttSnMessage.WillMsgResp;
import io.sngw.core.codec.MqttSnMessage.WillMsgUpd;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicResp;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Encodes the records. Lengths are computed without building the message, so that a caller can size its buffer
 * first and the message is then written once, in place. Multi-byte integers are written byte by byte: the
 * caller's buffer may be set to little-endian.
 */
final class Encoder {
    /** Largest total the 1-byte Length form can carry. */
    static final int MAX_ONE_BYTE_TOTAL = 0xFF;
    /** Largest total the 3-byte Length form can carry. */
    static final int MAX_TOTAL = 0xFFFF;

    private Encoder() {
    }

    static int encodedLength(MqttSnMessage message) {
        return frameLength(message.type(), bodyLength(message)) + trailingLength(message);
    }

    static void encode(MqttSnMessage message, ByteBuffer out) {
        int frame = frameLength(message.type(), bodyLength(message));
        if (out.remaining() < frame + trailingLength(message)) {
            throw new BufferOverflowException(); // before writing anything, so the buffer is left untouched
        }
        putLength(frame, out);
        putU8(message.type().code(), out);
        putBody(message, out);
    }

    /** The total a Length field carries for a body of {@code body} bytes: the 1-byte form when it fits. */
    private static int frameLength(MsgType type, int body) {
        int oneByteForm = 2 + body;
        if (oneByteForm <= MAX_ONE_BYTE_TOTAL) {
            return oneByteForm;
        }
        int threeByteForm = 4 + body;
        if (threeByteForm > MAX_TOTAL) {
            throw new IllegalArgumentException(type + " would take " + threeByteForm + " bytes; MQTT-SN allows " + MAX_TOTAL);
        }
        return threeByteForm;
    }

    private static void putLength(int total, ByteBuffer out) {
        if (total <= MAX_ONE_BYTE_TOTAL) {
            putU8(total, out);
        } else {
            putU8(Decoder.THREE_BYTE_MARKER, out);
            putU16(total, out);
        }
    }

    /** Bytes written after the part the Length field covers: only an encapsulation's inner message. */
    private static int trailingLength(MqttSnMessage message) {
        return message instanceof Encapsulated e ? e.inner().length : 0;
    }

    /** Bytes after MsgType that the Length field covers. */
    private static int bodyLength(MqttSnMessage m) {
        return switch (m.type()) {
            case WILLTOPICREQ, WILLMSGREQ, PINGRESP -> 0;
            case SEARCHGW, CONNACK, WILLTOPICRESP, WILLMSGRESP -> 1;
            case PUBCOMP, PUBREC, PUBREL, UNSUBACK -> 2;
            case ADVERTISE -> 3;
            case REGACK, PUBACK -> 5;
            case SUBACK -> 6;
            case GWINFO -> 1 + ((GwInfo) m).gwAddress().length;
            case CONNECT -> 4 + Utf8.length(((Connect) m).clientId());
            case WILLTOPIC -> willTopicLength(((WillTopic) m).topic());
            case WILLTOPICUPD -> willTopicLength(((WillTopicUpd) m).topic());
            case WILLMSG -> ((WillMsg) m).message().length;
            case WILLMSGUPD -> ((WillMsgUpd) m).message().length;
            case REGISTER -> 4 + Utf8.length(((Register) m).topicName());
            case PUBLISH -> 5 + ((Publish) m).data().length;
            case SUBSCRIBE -> 3 + topicLength(((Subscribe) m).topic());
            case UNSUBSCRIBE -> 3 + topicLength(((Unsubscribe) m).topic());
            case PINGREQ -> clientIdLength(((PingReq) m).clientId());
            case DISCONNECT -> ((Disconnect) m).sleepDuration() == null ? 0 : 2;
            case ENCAPSULATED -> 1 + ((Encapsulated) m).wirelessNodeId().length;
        };
    }

    private static void putBody(MqttSnMessage m, ByteBuffer out) {
        switch (m.type()) {
            case WILLTOPICREQ, WILLMSGREQ, PINGRESP -> {
            }
            case ADVERTISE -> {
                Advertise a = (Advertise) m;
                putU8(a.gwId(), out);
                putU16(a.duration(), out);
            }
            case SEARCHGW -> putU8(((SearchGw) m).radius(), out);
            case GWINFO -> {
                GwInfo g = (GwInfo) m;
                putU8(g.gwId(), out);
                out.put(g.gwAddress());
            }
            case CONNECT -> putConnect((Connect) m, out);
            case CONNACK -> putU8(((ConnAck) m).returnCode().code(), out);
            case WILLTOPIC -> {
                WillTopic w = (WillTopic) m;
                putWillTopic(w.qos(), w.retain(), w.topic(), out);
            }
            case WILLMSG -> out.put(((WillMsg) m).message());
            case REGISTER -> {
                Register r = (Register) m;
                putU16(r.topicId(), out);
                putU16(r.msgId(), out);
                Utf8.write(r.topicName(), out);
            }
            case REGACK -> {
                RegAck r = (RegAck) m;
                putAck(r.topicId(), r.msgId(), r.returnCode(), out);
            }
            case PUBLISH -> putPublish((Publish) m, out);
            case PUBACK -> {
                PubAck a = (PubAck) m;
                putAck(a.topicId(), a.msgId(), a.returnCode(), out);
            }
            case PUBCOMP -> putU16(((PubComp) m).msgId(), out);
            case PUBREC -> putU16(((PubRec) m).msgId(), out);
            case PUBREL -> putU16(((PubRel) m).msgId(), out);
            case SUBSCRIBE -> {
                Subscribe s = (Subscribe) m;
                putU8(Flags.bit(s.dup(), Flags.DUP) | Flags.qosBits(s.qos()) | s.topic().topicIdType(), out);
                putU16(s.msgId(), out);
                putTopic(s.topic(), out);
            }
            case SUBACK -> {
                SubAck s = (SubAck) m;
                putU8(Flags.qosBits(s.grantedQos()), out);
                putAck(s.topicId(), s.msgId(), s.returnCode(), out);
            }
            case UNSUBSCRIBE -> {
                Unsubscribe u = (Unsubscribe) m;
                putU8(u.topic().topicIdType(), out);
                putU16(u.msgId(), out);
                putTopic(u.topic(), out);
            }
            case UNSUBACK -> putU16(((UnsubAck) m).msgId(), out);
            case PINGREQ -> putClientId(((PingReq) m).clientId(), out);
            case DISCONNECT -> putSleepDuration(((Disconnect) m).sleepDuration(), out);
            case WILLTOPICUPD -> {
                WillTopicUpd w = (WillTopicUpd) m;
                putWillTopic(w.qos(), w.retain(), w.topic(), out);
            }
            case WILLTOPICRESP -> putU8(((WillTopicResp) m).returnCode().code(), out);
            case WILLMSGUPD -> out.put(((WillMsgUpd) m).message());
            case WILLMSGRESP -> putU8(((WillMsgResp) m).returnCode().code(), out);
            case ENCAPSULATED -> {
                Encapsulated e = (Encapsulated) m;
                putU8(e.radius(), out);
                out.put(e.wirelessNodeId());
                out.put(e.inner());
            }
        }
    }

    private static void putConnect(Connect c, ByteBuffer out) {
        putU8(Flags.bit(c.will(), Flags.WILL) | Flags.bit(c.cleanSession(), Flags.CLEAN_SESSION), out);
        putU8(Decoder.PROTOCOL_ID, out);
        putU16(c.duration(), out);
        Utf8.write(c.clientId(), out);
    }

    private static void putPublish(Publish p, ByteBuffer out) {
        putU8(Flags.bit(p.dup(), Flags.DUP) | Flags.qosBits(p.qos()) | Flags.bit(p.retain(), Flags.RETAIN)
                | p.topic().topicIdType(), out);
        putU16(topicIdField(p.topic()), out);
        putU16(p.msgId(), out);
        out.put(p.data());
    }

    /** TopicId MsgId ReturnCode, the tail of REGACK, PUBACK and SUBACK. */
    private static void putAck(int topicId, int msgId, ReturnCode returnCode, ByteBuffer out) {
        putU16(topicId, out);
        putU16(msgId, out);
        putU8(returnCode.code(), out);
    }

    /** An empty will topic is the bare 2-byte form, so its QoS and retain flag are not sent. */
    private static int willTopicLength(String topic) {
        return topic.isEmpty() ? 0 : 1 + Utf8.length(topic);
    }

    private static void putWillTopic(int qos, boolean retain, String topic, ByteBuffer out) {
        if (!topic.isEmpty()) {
            putU8(Flags.qosBits(qos) | Flags.bit(retain, Flags.RETAIN), out);
            Utf8.write(topic, out);
        }
    }

    private static int clientIdLength(String clientId) {
        return clientId == null ? 0 : Utf8.length(clientId);
    }

    private static void putClientId(String clientId, ByteBuffer out) {
        if (clientId != null) {
            Utf8.write(clientId, out);
        }
    }

    private static void putSleepDuration(Integer sleepDuration, ByteBuffer out) {
        if (sleepDuration != null) {
            putU16(sleepDuration, out);
        }
    }

    /** A topic as SUBSCRIBE/UNSUBSCRIBE carry it: a name runs to the end, anything else is a 2-byte field. */
    private static int topicLength(TopicRef topic) {
        return topic instanceof TopicRef.Name name ? Utf8.length(name.name()) : 2;
    }

    private static void putTopic(TopicRef topic, ByteBuffer out) {
        if (topic instanceof TopicRef.Name name) {
            Utf8.write(name.name(), out);
        } else {
            putU16(topicIdField(topic), out);
        }
    }

    private static int topicIdField(TopicRef topic) {
        if (topic instanceof TopicRef.Name) {
            throw new IllegalArgumentException("a topic name does not fit the 2-byte TopicId field: " + topic);
        }
        return topic.idField();
    }

    private static void putU8(int value, ByteBuffer out) {
        out.put((byte) value);
    }

    private static void putU16(int value, ByteBuffer out) {
        out.put((byte) (value >> 8));
        out.put((byte) value);
    }
}
