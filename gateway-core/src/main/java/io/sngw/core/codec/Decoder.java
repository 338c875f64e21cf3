package io.sngw.core.codec;

import static io.sngw.core.codec.MalformedReason.BAD_BODY_LENGTH;
import static io.sngw.core.codec.MalformedReason.BAD_CLIENT_ID;
import static io.sngw.core.codec.MalformedReason.BAD_ENCAPSULATION;
import static io.sngw.core.codec.MalformedReason.BAD_PROTOCOL_ID;
import static io.sngw.core.codec.MalformedReason.BAD_QOS;
import static io.sngw.core.codec.MalformedReason.BAD_RETURN_CODE;
import static io.sngw.core.codec.MalformedReason.BAD_TOPIC;
import static io.sngw.core.codec.MalformedReason.BAD_TOPIC_ID_TYPE;
import static io.sngw.core.codec.MalformedReason.INVALID_LENGTH;
import static io.sngw.core.codec.MalformedReason.LENGTH_MISMATCH;
import static io.sngw.core.codec.MalformedReason.RESERVED_TYPE;
import static io.sngw.core.codec.MalformedReason.TOO_SHORT;

import io.sngw.core.codec.DecodeResult.Decoded;
import io.sngw.core.codec.DecodeResult.Malformed;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Decodes one datagram straight from its byte[]. Every read is preceded by a size check (the frame checks, then
 * the per-type {@link Shape}), so no input can make it throw; rejections carry a reason and a detail with numbers.
 */
final class Decoder {
    /** A first Length byte of 0x01 announces the 3-byte form. */
    static final int THREE_BYTE_MARKER = 0x01;
    static final int PROTOCOL_ID = 0x01;
    /** Bits 1-0 of an encapsulation's Ctrl byte; bits 7-2 are reserved. */
    static final int RADIUS_MASK = 0x03;

    private static final HexFormat HEX = HexFormat.of();
    private static final Shape[] SHAPES = shapes();

    private Decoder() {
    }

    static DecodeResult decode(byte[] b, int off, int len) {
        if (len < 2) {
            return malformed(TOO_SHORT, "datagram has " + len + " byte(s), need at least 2 (Length and MsgType)");
        }
        Malformed badLength = checkLengthField(b, off, len);
        if (badLength != null) {
            return badLength;
        }
        boolean threeByteForm = u8(b, off) == THREE_BYTE_MARKER;
        int headerLen = threeByteForm ? 3 : 1;
        int declared = threeByteForm ? u16(b, off + 1) : u8(b, off);
        int code = u8(b, off + headerLen);
        MsgType type = MsgType.fromCode(code);
        if (type == null) {
            return malformed(RESERVED_TYPE, "reserved message type 0x" + hex(code));
        }
        if (type == MsgType.ENCAPSULATED) {
            return encapsulated(b, off, len, headerLen, declared);
        }
        if (declared != len) {
            return malformed(LENGTH_MISMATCH, "length field " + declared + " but datagram has " + len + " bytes");
        }
        return body(type, b, off + headerLen + 1, len - headerLen - 1);
    }

    /** The Length field on its own: after this, the Length bytes and the MsgType byte are known to be present. */
    private static Malformed checkLengthField(byte[] b, int off, int len) {
        int first = u8(b, off);
        if (first == 0) {
            return malformed(INVALID_LENGTH, "length field 0");
        }
        if (first != THREE_BYTE_MARKER) {
            return null;
        }
        if (len < 4) {
            return malformed(INVALID_LENGTH, "length byte 0x01 announces the 3-byte form but the datagram has only "
                    + len + " bytes");
        }
        int total = u16(b, off + 1);
        return total < 4 ? malformed(INVALID_LENGTH, "3-byte length field " + total + " is under 4") : null;
    }

    /** Decodes the body of a non-encapsulated message: {@code n} bytes at {@code p}, after the MsgType. */
    private static DecodeResult body(MsgType type, byte[] b, int p, int n) {
        Malformed badShape = checkShape(type, b, p, n);
        if (badShape != null) {
            return badShape;
        }
        return switch (type) {
            case ADVERTISE -> ok(new Advertise(u8(b, p), u16(b, p + 1)));
            case SEARCHGW -> ok(new SearchGw(u8(b, p)));
            case GWINFO -> ok(new GwInfo(u8(b, p), Arrays.copyOfRange(b, p + 1, p + n)));
            case CONNECT -> connect(b, p, n);
            case CONNACK -> ok(new ConnAck(returnCode(b, p)));
            case WILLTOPICREQ -> ok(new WillTopicReq());
            case WILLTOPIC -> willTopic(type, b, p, n, WillTopic::new);
            case WILLMSGREQ -> ok(new WillMsgReq());
            case WILLMSG -> ok(new WillMsg(Arrays.copyOfRange(b, p, p + n)));
            case REGISTER -> register(b, p, n);
            case REGACK -> ok(new RegAck(u16(b, p), u16(b, p + 2), returnCode(b, p + 4)));
            case PUBLISH -> publish(b, p, n);
            case PUBACK -> ok(new PubAck(u16(b, p), u16(b, p + 2), returnCode(b, p + 4)));
            case PUBCOMP -> ok(new PubComp(u16(b, p)));
            case PUBREC -> ok(new PubRec(u16(b, p)));
            case PUBREL -> ok(new PubRel(u16(b, p)));
            case SUBSCRIBE -> subscribe(b, p, n);
            case SUBACK -> subAck(b, p);
            case UNSUBSCRIBE -> unsubscribe(b, p, n);
            case UNSUBACK -> ok(new UnsubAck(u16(b, p)));
            case PINGREQ -> n == 0 ? ok(new PingReq(null)) : withClientId(b, p, n, PingReq::new);
            case PINGRESP -> ok(new PingResp());
            case DISCONNECT -> disconnect(b, p, n);
            case WILLTOPICUPD -> willTopic(type, b, p, n, WillTopicUpd::new);
            case WILLTOPICRESP -> ok(new WillTopicResp(returnCode(b, p)));
            case WILLMSGUPD -> ok(new WillMsgUpd(Arrays.copyOfRange(b, p, p + n)));
            case WILLMSGRESP -> ok(new WillMsgResp(returnCode(b, p)));
            case ENCAPSULATED -> throw new AssertionError("ENCAPSULATED is framed differently, see encapsulated()");
        };
    }

    /** Body size and return code, the checks every type needs before its fields can be read. */
    private static Malformed checkShape(MsgType type, byte[] b, int p, int n) {
        Shape shape = SHAPES[type.ordinal()];
        if (n < shape.minBody || n > shape.maxBody) {
            return malformed(BAD_BODY_LENGTH, type + " body has " + n + " bytes, expected " + shape.describe());
        }
        if (shape.returnCodeAt != Shape.NO_RETURN_CODE) {
            int rc = u8(b, p + shape.returnCodeAt);
            if (ReturnCode.fromCode(rc) == null) {
                return malformed(BAD_RETURN_CODE, "reserved return code 0x" + hex(rc) + " in " + type);
            }
        }
        return null;
    }

    private static DecodeResult connect(byte[] b, int p, int n) {
        int protocolId = u8(b, p + 1);
        if (protocolId != PROTOCOL_ID) {
            return malformed(BAD_PROTOCOL_ID, "protocol id 0x" + hex(protocolId) + ", expected 0x01");
        }
        int flags = u8(b, p);
        int duration = u16(b, p + 2);
        return withClientId(b, p + 4, n - 4, clientId -> new Connect(
                Flags.isSet(flags, Flags.WILL), Flags.isSet(flags, Flags.CLEAN_SESSION), duration, clientId));
    }

    private static DecodeResult register(byte[] b, int p, int n) {
        int topicId = u16(b, p);
        int msgId = u16(b, p + 2);
        return withTopicName(MsgType.REGISTER, b, p + 4, n - 4, name -> new Register(topicId, msgId, name));
    }

    private static DecodeResult publish(byte[] b, int p, int n) {
        int flags = u8(b, p);
        int topicIdType = Flags.topicIdType(flags);
        if (topicIdType == Flags.TOPIC_ID_TYPE_RESERVED) {
            return badTopicIdType(MsgType.PUBLISH);
        }
        int topicId = u16(b, p + 1);
        TopicRef topic = switch (topicIdType) {
            case TopicRef.TYPE_NORMAL -> new TopicRef.Registered(topicId);
            case TopicRef.TYPE_PREDEFINED -> new TopicRef.Predefined(topicId);
            default -> TopicRef.Short.fromId(topicId);
        };
        // QoS -1 with a registered id is the gateway's call to refuse, not the codec's.
        return ok(new Publish(Flags.isSet(flags, Flags.DUP), Flags.qos(flags), Flags.isSet(flags, Flags.RETAIN),
                topic, u16(b, p + 3), Arrays.copyOfRange(b, p + 5, p + n)));
    }

    private static DecodeResult subscribe(byte[] b, int p, int n) {
        int flags = u8(b, p);
        if (Flags.isQosMinusOne(flags)) {
            return badQos(MsgType.SUBSCRIBE);
        }
        boolean dup = Flags.isSet(flags, Flags.DUP);
        int qos = Flags.qos(flags);
        int msgId = u16(b, p + 1);
        return withFilterTopic(MsgType.SUBSCRIBE, flags, b, p + 3, n - 3, topic -> new Subscribe(dup, qos, msgId, topic));
    }

    private static DecodeResult unsubscribe(byte[] b, int p, int n) {
        int msgId = u16(b, p + 1);
        return withFilterTopic(MsgType.UNSUBSCRIBE, u8(b, p), b, p + 3, n - 3, topic -> new Unsubscribe(msgId, topic));
    }

    private static DecodeResult subAck(byte[] b, int p) {
        int flags = u8(b, p);
        if (Flags.isQosMinusOne(flags)) {
            return badQos(MsgType.SUBACK);
        }
        return ok(new SubAck(Flags.qos(flags), u16(b, p + 1), u16(b, p + 3), returnCode(b, p + 5)));
    }

    private static DecodeResult disconnect(byte[] b, int p, int n) {
        if (n == 1) {
            return malformed(BAD_BODY_LENGTH, "DISCONNECT body has 1 byte, expected 0 or 2");
        }
        return ok(new Disconnect(n == 0 ? null : u16(b, p)));
    }

    /** WILLTOPIC and WILLTOPICUPD share a layout; only the record differs. */
    @FunctionalInterface
    private interface WillTopicFactory {
        MqttSnMessage create(int qos, boolean retain, String topic);
    }

    private static DecodeResult willTopic(MsgType type, byte[] b, int p, int n, WillTopicFactory factory) {
        if (n == 0) {
            return ok(factory.create(0, false, "")); // the bare 2-byte form: no will / delete the will
        }
        int flags = u8(b, p);
        if (Flags.isQosMinusOne(flags)) {
            return badQos(type);
        }
        if (n == 1) {
            // Flags without a topic: not in the spec, but some clients send it for "no will", so read it as such.
            return ok(factory.create(0, false, ""));
        }
        int qos = Flags.qos(flags);
        boolean retain = Flags.isSet(flags, Flags.RETAIN);
        return withTopicName(type, b, p + 1, n - 1, topic -> factory.create(qos, retain, topic));
    }

    /** The topic of SUBSCRIBE/UNSUBSCRIBE: a name running to the end, or exactly 2 bytes of id or short name. */
    private static DecodeResult withFilterTopic(MsgType type, int flags, byte[] b, int p, int n,
            Function<TopicRef, MqttSnMessage> build) {
        int topicIdType = Flags.topicIdType(flags);
        if (topicIdType == TopicRef.TYPE_NORMAL) {
            return withTopicName(type, b, p, n, name -> build.apply(new TopicRef.Name(name)));
        }
        if (topicIdType == Flags.TOPIC_ID_TYPE_RESERVED) {
            return badTopicIdType(type);
        }
        boolean predefined = topicIdType == TopicRef.TYPE_PREDEFINED;
        if (n != 2) {
            return malformed(BAD_BODY_LENGTH, type + " with a " + (predefined ? "predefined topic id" : "short topic name")
                    + " has " + n + " topic bytes, expected 2");
        }
        int id = u16(b, p);
        return ok(build.apply(predefined ? new TopicRef.Predefined(id) : TopicRef.Short.fromId(id)));
    }

    private static DecodeResult withTopicName(MsgType type, byte[] b, int p, int n, Function<String, MqttSnMessage> build) {
        if (n == 0) {
            return malformed(BAD_TOPIC, type + " has an empty topic name");
        }
        String name = Utf8.decode(b, p, n);
        if (name == null) {
            return malformed(BAD_TOPIC, type + " topic name (" + n + " bytes) is not valid UTF-8");
        }
        return ok(build.apply(name));
    }

    private static DecodeResult withClientId(byte[] b, int p, int n, Function<String, MqttSnMessage> build) {
        if (n < 1 || n > MqttSnMessage.MAX_CLIENT_ID) {
            return malformed(BAD_CLIENT_ID, "client id has " + n + " bytes, expected 1.." + MqttSnMessage.MAX_CLIENT_ID);
        }
        String clientId = Utf8.decode(b, p, n);
        if (clientId == null) {
            return malformed(BAD_CLIENT_ID, "client id (" + n + " bytes) is not valid UTF-8");
        }
        return ok(build.apply(clientId));
    }

    /**
     * The outer Length of an encapsulation covers only Length, MsgType, Ctrl and WirelessNodeId; the rest of the
     * datagram is the inner message, kept raw so that the caller reports its own faults separately.
     */
    private static DecodeResult encapsulated(byte[] b, int off, int len, int headerLen, int declared) {
        if (declared > len) {
            return malformed(LENGTH_MISMATCH, "encapsulation length field " + declared + " but datagram has " + len + " bytes");
        }
        int p = off + headerLen + 1;
        Malformed badShape = checkShape(MsgType.ENCAPSULATED, b, p, declared - headerLen - 1);
        if (badShape != null) {
            return badShape;
        }
        int ctrl = u8(b, p);
        if ((ctrl & ~RADIUS_MASK) != 0) {
            return malformed(BAD_ENCAPSULATION, "ctrl byte 0x" + hex(ctrl) + " has reserved bits 7..2 set");
        }
        if (declared == len) {
            return malformed(BAD_ENCAPSULATION, "no inner message after the " + declared + "-byte encapsulation header");
        }
        return ok(new Encapsulated(ctrl & RADIUS_MASK, Arrays.copyOfRange(b, p + 1, off + declared),
                Arrays.copyOfRange(b, off + declared, off + len)));
    }

    /** Only called once {@link #checkShape} has vetted the byte. */
    private static ReturnCode returnCode(byte[] b, int at) {
        return ReturnCode.fromCode(u8(b, at));
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static String hex(int u8) {
        return HEX.toHexDigits((byte) u8);
    }

    private static Decoded ok(MqttSnMessage message) {
        return new Decoded(message);
    }

    private static Malformed malformed(MalformedReason reason, String detail) {
        return new Malformed(reason, detail);
    }

    private static Malformed badQos(MsgType type) {
        return malformed(BAD_QOS, "QoS bits 0b11 (-1) in " + type + ", allowed only in PUBLISH");
    }

    private static Malformed badTopicIdType(MsgType type) {
        return malformed(BAD_TOPIC_ID_TYPE, "reserved topic id type 0b11 in " + type);
    }

    /** Body-size bounds of a type (bytes after MsgType) and the offset of its return code, if it has one. */
    private record Shape(int minBody, int maxBody, int returnCodeAt) {
        static final int NO_RETURN_CODE = -1;

        static Shape fixed(int size) {
            return new Shape(size, size, NO_RETURN_CODE);
        }

        static Shape fixedWithReturnCode(int size, int returnCodeAt) {
            return new Shape(size, size, returnCodeAt);
        }

        static Shape atLeast(int min) {
            return new Shape(min, Integer.MAX_VALUE, NO_RETURN_CODE);
        }

        String describe() {
            if (minBody == maxBody) {
                return Integer.toString(minBody);
            }
            return maxBody == Integer.MAX_VALUE ? "at least " + minBody : minBody + ".." + maxBody;
        }
    }

    private static Shape[] shapes() {
        Shape[] shapes = new Shape[MsgType.values().length];
        for (MsgType type : MsgType.values()) {
            shapes[type.ordinal()] = shapeOf(type);
        }
        return shapes;
    }

    private static Shape shapeOf(MsgType type) {
        return switch (type) {
            case ADVERTISE -> Shape.fixed(3);
            case SEARCHGW -> Shape.fixed(1);
            case GWINFO -> Shape.atLeast(1);
            case CONNECT -> Shape.atLeast(4); // an empty client id is BAD_CLIENT_ID, the more useful reason
            case CONNACK, WILLTOPICRESP, WILLMSGRESP -> Shape.fixedWithReturnCode(1, 0);
            case WILLTOPICREQ, WILLMSGREQ, PINGRESP -> Shape.fixed(0);
            case WILLTOPIC, WILLTOPICUPD, WILLMSG, WILLMSGUPD, PINGREQ -> Shape.atLeast(0);
            case REGISTER -> Shape.atLeast(4); // an empty topic name is BAD_TOPIC
            case REGACK, PUBACK -> Shape.fixedWithReturnCode(5, 4);
            case PUBLISH -> Shape.atLeast(5);
            case PUBCOMP, PUBREC, PUBREL, UNSUBACK -> Shape.fixed(2);
            case SUBSCRIBE, UNSUBSCRIBE -> Shape.atLeast(3);
            case SUBACK -> Shape.fixedWithReturnCode(6, 5);
            case DISCONNECT -> new Shape(0, 2, Shape.NO_RETURN_CODE); // 0 or 2: the 1 is refused in disconnect()
            case ENCAPSULATED -> Shape.atLeast(1); // Ctrl, then the WirelessNodeId, which may be empty
        };
    }
}
