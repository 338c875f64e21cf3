package io.sngw.bridge.mqtt;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.sngw.core.upstream.UpstreamMessage;

/**
 * Applies {@link PlatformLimits} to what the core sends up, and counts each adaptation: a sensor asking for QoS 2 of
 * AWS IoT Core gets QoS 1 (the platform would drop the connection otherwise), a retain flag the platform does not
 * keep is cleared, a publish to a topic it would refuse is dropped here. Each kind is logged once, then only counted.
 * Any thread.
 */
final class PlatformAdapter {
    private static final System.Logger LOG = System.getLogger(MqttBridge.class.getName());

    private final PlatformLimits limits;
    private final LongAdder qosDowngraded = new LongAdder();
    private final LongAdder retainCleared = new LongAdder();
    private final LongAdder topicRefused = new LongAdder();
    private final AtomicBoolean qosLogged = new AtomicBoolean();
    private final AtomicBoolean retainLogged = new AtomicBoolean();
    private final AtomicBoolean topicLogged = new AtomicBoolean();

    PlatformAdapter(PlatformLimits limits) {
        this.limits = limits;
    }

    /**
     * The publish as the platform takes it, or null for a topic it refuses: such a publish is dropped and counted
     * here, not failed, because a failure would have the durable queue offer it again forever (the platform's
     * answer will not change) and the sensor resend it on PUBACK congestion.
     */
    UpstreamMessage adapt(UpstreamMessage m) {
        String problem = limits.topicProblem(m.topic());
        if (problem != null) {
            topicRefused.increment();
            logOnce(topicLogged, problem + ": dropped (counted as upstream.platform.topic-refused; logged once)");
            return null;
        }
        int qos = m.qos();
        if (qos > limits.maxQos()) {
            qos = limits.maxQos();
            qosDowngraded.increment();
            logOnce(qosLogged, limits.platform() + " takes QoS " + limits.maxQos() + " at most: a QoS " + m.qos()
                    + " publish to '" + m.topic() + "' goes up as QoS " + qos
                    + " (counted as upstream.platform.qos-downgraded; logged once)");
        }
        boolean retain = m.retain();
        if (retain && !limits.retain()) {
            retain = false;
            retainCleared.increment();
            logOnce(retainLogged, limits.platform() + " keeps no retained messages: '" + m.topic()
                    + "' goes up without retain (counted as upstream.platform.retain-cleared; logged once)");
        }
        return qos == m.qos() && retain == m.retain() ? m
                : new UpstreamMessage(m.topic(), m.payload(), qos, retain, m.client(), m.heldSinceMillis());
    }

    /** The QoS to subscribe with. */
    int subscriptionQos(int qos) {
        if (qos > limits.maxQos()) {
            qosDowngraded.increment();
            return limits.maxQos();
        }
        return qos;
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("upstream.platform.qos-downgraded", qosDowngraded.sum());
        out.put("upstream.platform.retain-cleared", retainCleared.sum());
        out.put("upstream.platform.topic-refused", topicRefused.sum());
        return out;
    }

    private static void logOnce(AtomicBoolean logged, String message) {
        if (logged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, message);
        }
    }
}
