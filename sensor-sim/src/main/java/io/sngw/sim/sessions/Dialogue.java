package io.sngw.sim.sessions;

import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;

import java.util.List;

/**
 * What one simulated sensor says to the gateway, step by step: each step is a request and the answer that moves it
 * on. The answer must be accepted (CONNACK, REGACK, SUBACK with return code 0, or the DISCONNECT echo).
 */
record Dialogue(List<Step> steps) {

    /** A request and a check of the answer. */
    record Step(byte[] request, Class<? extends MqttSnMessage> answer) {
        Step(MqttSnMessage request, Class<? extends MqttSnMessage> answer) {
            this(MqttSnCodec.encode(request), answer);
        }

        boolean accepts(MqttSnMessage reply) {
            if (!answer.isInstance(reply)) {
                return false;
            }
            if (reply instanceof ConnAck c) {
                return c.returnCode() == ReturnCode.ACCEPTED;
            }
            if (reply instanceof RegAck r) {
                return r.returnCode() == ReturnCode.ACCEPTED;
            }
            if (reply instanceof SubAck s) {
                return s.returnCode() == ReturnCode.ACCEPTED;
            }
            return true;
        }
    }

    /** CONNECT and nothing more: a connect storm. */
    static Dialogue connect(String clientId, int keepAliveSeconds) {
        return new Dialogue(List.of(new Step(new Connect(false, true, keepAliveSeconds, clientId), ConnAck.class)));
    }

    /**
     * A battery sensor's first contact: CONNECT, REGISTER two topics, SUBSCRIBE to its command topic, then DISCONNECT
     * with a sleep duration, after which the gateway keeps its session (registrations, subscription) while it sleeps.
     */
    static Dialogue sleepingSensor(String clientId, String topicPrefix, int sleepSeconds) {
        return new Dialogue(List.of(
                new Step(new Connect(false, true, sleepSeconds, clientId), ConnAck.class),
                new Step(new Register(0, 1, topicPrefix + "/temp"), RegAck.class),
                new Step(new Register(0, 2, topicPrefix + "/battery"), RegAck.class),
                new Step(new Subscribe(false, 1, 3, new TopicRef.Name(topicPrefix + "/cmd")), SubAck.class),
                new Step(new Disconnect(sleepSeconds), Disconnect.class)));
    }
}
