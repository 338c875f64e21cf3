package io.sngw.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Every MQTT-SN 1.2 message, as an immutable value. Constructors reject values the wire cannot carry
 * (a programming error); input from the air is validated by {@link MqttSnCodec} before any record is built.
 * Records holding bytes compare them by content.
 */
public sealed interface MqttSnMessage {

    MsgType type();

    /** Longest ClientId the protocol allows, in bytes. */
    int MAX_CLIENT_ID = 23;

    record Advertise(int gwId, int duration) implements MqttSnMessage {
        public Advertise {
            Fields.checkU8("gateway id", gwId);
            Fields.checkU16("duration", duration);
        }

        public MsgType type() {
            return MsgType.ADVERTISE;
        }
    }

    record SearchGw(int radius) implements MqttSnMessage {
        public SearchGw {
            Fields.checkU8("radius", radius);
        }

        public MsgType type() {
            return MsgType.SEARCHGW;
        }
    }

    /** GWINFO; {@code gwAddress} is empty when the gateway itself answers. */
    record GwInfo(int gwId, byte[] gwAddress) implements MqttSnMessage {
        public GwInfo {
            Fields.checkU8("gateway id", gwId);
            gwAddress = Fields.nonNull(gwAddress).clone();
        }

        public GwInfo(int gwId) {
            this(gwId, new byte[0]);
        }

        public byte[] gwAddress() {
            return gwAddress.clone();
        }

        public MsgType type() {
            return MsgType.GWINFO;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GwInfo g && g.gwId == gwId && Arrays.equals(g.gwAddress, gwAddress);
        }

        @Override
        public int hashCode() {
            return 31 * gwId + Arrays.hashCode(gwAddress);
        }

        @Override
        public String toString() {
            return "GwInfo[gwId=" + gwId + ", gwAddress=" + HexFormat.of().formatHex(gwAddress) + "]";
        }
    }

    /** CONNECT; {@code duration} is the keep-alive in seconds. ProtocolId is always 0x01 on the wire. */
    record Connect(boolean will, boolean cleanSession, int duration, String clientId) implements MqttSnMessage {
        public Connect {
            Fields.checkU16("duration", duration);
            int len = clientId == null ? 0 : clientId.getBytes(StandardCharsets.UTF_8).length;
            if (len < 1 || len > MAX_CLIENT_ID) {
                throw new IllegalArgumentException("client id must be 1..23 bytes: " + clientId);
            }
        }

        public MsgType type() {
            return MsgType.CONNECT;
        }
    }

    record ConnAck(ReturnCode returnCode) implements MqttSnMessage {
        public MsgType type() {
            return MsgType.CONNACK;
        }
    }

    record WillTopicReq() implements MqttSnMessage {
        public MsgType type() {
            return MsgType.WILLTOPICREQ;
        }
    }

    /** WILLTOPIC; an empty {@code topic} is the bare 2-byte form that means "no will". */
    record WillTopic(int qos, boolean retain, String topic) implements MqttSnMessage {
        public WillTopic {
            Fields.checkQos(qos, false);
            topic = topic == null ? "" : topic;
        }

        public static WillTopic none() {
            return new WillTopic(0, false, "");
        }

        public boolean isEmpty() {
            return topic.isEmpty();
        }

        public MsgType type() {
            return MsgType.WILLTOPIC;
        }
    }

    record WillMsgReq() implements MqttSnMessage {
        public MsgType type() {
            return MsgType.WILLMSGREQ;
        }
    }

    record WillMsg(byte[] message) implements MqttSnMessage {
        public WillMsg {
            message = Fields.nonNull(message).clone();
        }

        public byte[] message() {
            return message.clone();
        }

        public MsgType type() {
            return MsgType.WILLMSG;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WillMsg w && Arrays.equals(w.message, message);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "WillMsg[" + message.length + " bytes]";
        }
    }

    /** REGISTER; {@code topicId} is 0 when the client sends it. */
    record Register(int topicId, int msgId, String topicName) implements MqttSnMessage {
        public Register {
            Fields.checkU16("topic id", topicId);
            Fields.checkU16("message id", msgId);
            if (topicName == null || topicName.isEmpty()) {
                throw new IllegalArgumentException("topic name must not be empty");
            }
        }

        public MsgType type() {
            return MsgType.REGISTER;
        }
    }

    record RegAck(int topicId, int msgId, ReturnCode returnCode) implements MqttSnMessage {
        public RegAck {
            Fields.checkU16("topic id", topicId);
            Fields.checkU16("message id", msgId);
        }

        public MsgType type() {
            return MsgType.REGACK;
        }
    }

    /**
     * PUBLISH. {@code qos} is -1..2; {@code topic} is a {@link TopicRef.Registered}, {@link TopicRef.Predefined}
     * or {@link TopicRef.Short}. {@code msgId} is 0 for QoS 0 and -1.
     */
    record Publish(boolean dup, int qos, boolean retain, TopicRef topic, int msgId, byte[] data)
            implements MqttSnMessage {
        public Publish {
            Fields.checkQos(qos, true);
            Fields.checkU16("message id", msgId);
            if (topic == null || topic instanceof TopicRef.Name) {
                throw new IllegalArgumentException("PUBLISH carries a topic id or a short name, not " + topic);
            }
            data = Fields.nonNull(data);
        }

        /** The payload. Not copied: the gateway never mutates it, and copying per hop costs on a Pi. */
        public byte[] data() {
            return data;
        }

        public Publish withDup() {
            return new Publish(true, qos, retain, topic, msgId, data);
        }

        public MsgType type() {
            return MsgType.PUBLISH;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Publish p && p.dup == dup && p.qos == qos && p.retain == retain
                    && p.topic.equals(topic) && p.msgId == msgId && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return ((topic.hashCode() * 31 + msgId) * 31 + qos) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Publish[dup=" + dup + ", qos=" + qos + ", retain=" + retain + ", topic=" + topic
                    + ", msgId=" + msgId + ", data=" + data.length + " bytes]";
        }
    }

    record PubAck(int topicId, int msgId, ReturnCode returnCode) implements MqttSnMessage {
        public PubAck {
            Fields.checkU16("topic id", topicId);
            Fields.checkU16("message id", msgId);
        }

        public MsgType type() {
            return MsgType.PUBACK;
        }
    }

    record PubComp(int msgId) implements MqttSnMessage {
        public PubComp {
            Fields.checkU16("message id", msgId);
        }

        public MsgType type() {
            return MsgType.PUBCOMP;
        }
    }

    record PubRec(int msgId) implements MqttSnMessage {
        public PubRec {
            Fields.checkU16("message id", msgId);
        }

        public MsgType type() {
            return MsgType.PUBREC;
        }
    }

    record PubRel(int msgId) implements MqttSnMessage {
        public PubRel {
            Fields.checkU16("message id", msgId);
        }

        public MsgType type() {
            return MsgType.PUBREL;
        }
    }

    /** SUBSCRIBE; {@code topic} is a {@link TopicRef.Name}, {@link TopicRef.Predefined} or {@link TopicRef.Short}. */
    record Subscribe(boolean dup, int qos, int msgId, TopicRef topic) implements MqttSnMessage {
        public Subscribe {
            Fields.checkQos(qos, false);
            Fields.checkU16("message id", msgId);
            if (topic == null || topic instanceof TopicRef.Registered) {
                throw new IllegalArgumentException("SUBSCRIBE carries a name, a predefined id or a short name, not " + topic);
            }
        }

        public MsgType type() {
            return MsgType.SUBSCRIBE;
        }
    }

    record SubAck(int grantedQos, int topicId, int msgId, ReturnCode returnCode) implements MqttSnMessage {
        public SubAck {
            Fields.checkQos(grantedQos, false);
            Fields.checkU16("topic id", topicId);
            Fields.checkU16("message id", msgId);
        }

        public MsgType type() {
            return MsgType.SUBACK;
        }
    }

    record Unsubscribe(int msgId, TopicRef topic) implements MqttSnMessage {
        public Unsubscribe {
            Fields.checkU16("message id", msgId);
            if (topic == null || topic instanceof TopicRef.Registered) {
                throw new IllegalArgumentException("UNSUBSCRIBE carries a name, a predefined id or a short name, not " + topic);
            }
        }

        public MsgType type() {
            return MsgType.UNSUBSCRIBE;
        }
    }

    record UnsubAck(int msgId) implements MqttSnMessage {
        public UnsubAck {
            Fields.checkU16("message id", msgId);
        }

        public MsgType type() {
            return MsgType.UNSUBACK;
        }
    }

    /** PINGREQ; {@code clientId} is null except when a sleeping client wakes to collect its messages. */
    record PingReq(String clientId) implements MqttSnMessage {
        public PingReq {
            if (clientId != null && (clientId.isEmpty() || clientId.getBytes(StandardCharsets.UTF_8).length > MAX_CLIENT_ID)) {
                throw new IllegalArgumentException("client id must be 1..23 bytes: " + clientId);
            }
        }

        public PingReq() {
            this(null);
        }

        public MsgType type() {
            return MsgType.PINGREQ;
        }
    }

    record PingResp() implements MqttSnMessage {
        public MsgType type() {
            return MsgType.PINGRESP;
        }
    }

    /** DISCONNECT; {@code sleepDuration} is null for a plain disconnect, seconds of sleep otherwise. */
    record Disconnect(Integer sleepDuration) implements MqttSnMessage {
        public Disconnect {
            if (sleepDuration != null) {
                Fields.checkU16("sleep duration", sleepDuration);
            }
        }

        public Disconnect() {
            this(null);
        }

        public MsgType type() {
            return MsgType.DISCONNECT;
        }
    }

    /** WILLTOPICUPD; an empty {@code topic} is the bare 2-byte form that deletes the will. */
    record WillTopicUpd(int qos, boolean retain, String topic) implements MqttSnMessage {
        public WillTopicUpd {
            Fields.checkQos(qos, false);
            topic = topic == null ? "" : topic;
        }

        public boolean isEmpty() {
            return topic.isEmpty();
        }

        public MsgType type() {
            return MsgType.WILLTOPICUPD;
        }
    }

    record WillTopicResp(ReturnCode returnCode) implements MqttSnMessage {
        public MsgType type() {
            return MsgType.WILLTOPICRESP;
        }
    }

    record WillMsgUpd(byte[] message) implements MqttSnMessage {
        public WillMsgUpd {
            message = Fields.nonNull(message).clone();
        }

        public byte[] message() {
            return message.clone();
        }

        public MsgType type() {
            return MsgType.WILLMSGUPD;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WillMsgUpd w && Arrays.equals(w.message, message);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "WillMsgUpd[" + message.length + " bytes]";
        }
    }

    record WillMsgResp(ReturnCode returnCode) implements MqttSnMessage {
        public MsgType type() {
            return MsgType.WILLMSGRESP;
        }
    }

    /**
     * A message relayed by a forwarder: {@code radius} (0..3), the wireless node id of the sensor behind the
     * forwarder, and the complete inner MQTT-SN message as raw bytes (decoded separately, so that a bad inner
     * message is reported as such).
     */
    record Encapsulated(int radius, byte[] wirelessNodeId, byte[] inner) implements MqttSnMessage {
        public Encapsulated {
            if (radius < 0 || radius > 3) {
                throw new IllegalArgumentException("radius must be 0..3: " + radius);
            }
            wirelessNodeId = Fields.nonNull(wirelessNodeId).clone();
            inner = Fields.nonNull(inner).clone();
        }

        public byte[] wirelessNodeId() {
            return wirelessNodeId.clone();
        }

        public byte[] inner() {
            return inner.clone();
        }

        public MsgType type() {
            return MsgType.ENCAPSULATED;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Encapsulated e && e.radius == radius && Arrays.equals(e.wirelessNodeId, wirelessNodeId)
                    && Arrays.equals(e.inner, inner);
        }

        @Override
        public int hashCode() {
            return (radius * 31 + Arrays.hashCode(wirelessNodeId)) * 31 + Arrays.hashCode(inner);
        }

        @Override
        public String toString() {
            return "Encapsulated[radius=" + radius + ", node=" + HexFormat.of().formatHex(wirelessNodeId)
                    + ", inner=" + HexFormat.of().formatHex(inner) + "]";
        }
    }
}
