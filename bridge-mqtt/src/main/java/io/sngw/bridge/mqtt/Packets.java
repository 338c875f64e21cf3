package io.sngw.bridge.mqtt;

import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

/** The small MQTT 3.1.1 packets the bridge sends itself, and reading a packet id. */
final class Packets {
    static final MqttMessage PINGREQ =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0));
    static final MqttMessage DISCONNECT =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private Packets() {
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP for {@code id} (PUBREL carries the QoS 1 flags §3.6.1 requires). */
    static MqttMessage reply(MqttMessageType type, int id) {
        MqttQoS flags = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, flags, false, 2), MqttMessageIdVariableHeader.from(id));
    }

    /** The MQTT 5 reason code of a PUBACK, PUBREC or PUBCOMP; 0 (success) where it has none (3.1.1, or left out). */
    static int reasonCode(MqttMessage m) {
        return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader h ? h.reasonCode() & 0xFF : 0;
    }

    static int messageId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    /** A throwable's message for a log line, or its class name when it has none. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
