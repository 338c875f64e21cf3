package io.sngw.sim.client;

import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.PubRec;
import io.sngw.core.codec.ReturnCode;

/**
 * How a QoS 2 PUBLISH ended: either PUBREC then PUBCOMP ({@code refusal} null), or a PUBACK with an error code
 * instead of PUBREC (e.g. an unknown topic id), in which case {@code pubRec} and {@code pubComp} are null.
 */
public record Qos2Result(int topicId, int msgId, PubRec pubRec, PubComp pubComp, PubAck refusal) {

    public boolean completed() {
        return refusal == null;
    }

    /**
     * The outcome as a PUBACK, so QoS 1 and 2 read alike: the refusal itself, or an accepted PUBACK standing for the
     * completed PUBREC/PUBREL/PUBCOMP exchange (no such PUBACK was on the wire).
     */
    public PubAck asPubAck() {
        return refusal != null ? refusal : new PubAck(topicId, msgId, ReturnCode.ACCEPTED);
    }
}
