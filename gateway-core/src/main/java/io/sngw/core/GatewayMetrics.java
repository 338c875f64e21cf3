package io.sngw.core;

import io.sngw.core.codec.MalformedReason;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The gateway's counters: lock-free to bump from any loop, read as a snapshot for logs, health and tests. */
public final class GatewayMetrics {

    /** Every counted event. Names become metric keys in lower-case with dots. */
    public enum Counter {
        DATAGRAMS_IN,
        /** Datagrams of a source over its fair share while others were sending ({@code FairShare}). */
        DATAGRAMS_SHED_OVER_FAIR_SHARE,
        MESSAGES_OUT,
        MALFORMED,
        RESERVED_TYPE_IGNORED,
        NO_SESSION_DISCONNECT_SENT,
        CONNECTS,
        CONNECTS_REJECTED_CONGESTION,
        CONNECTS_REFUSED_AUTH,
        /** CONNECTs refused with congestion because the upstream had no connection left for them (transparent mode). */
        CONNECTS_REFUSED_UPSTREAM,
        TAKEOVERS,
        /** CONNECTs for a session its own connection proved, from a link that did not prove the same identity. */
        TAKEOVERS_REFUSED,
        /** PINGREQs naming a sleeping client, from neither its address nor a link that proved its identity. */
        WAKES_REFUSED,
        /** CONNECTs whose client id breaks the id rules ({@code ClientIds}): control characters, '/', '+', '#'. */
        CONNECTS_REFUSED_CLIENT_ID,
        /** Sessions ended because their device was disabled or removed while the gateway ran. */
        SESSIONS_REVOKED,
        /** Live sessions given new grants because their device's ACL changed. */
        GRANTS_UPDATED,
        CLIENTS_LOST,
        /** Persistent sessions forgotten after limits.idle-expiry with their client away. */
        SESSIONS_EXPIRED,
        /** Unsupervised sessions dropped to make room for a new client when max-clients were held. */
        SESSIONS_GAVE_WAY,
        /** Messages for a client not kept because the global kept-messages budget was spent. */
        KEPT_OVER_BUDGET_DROPPED,
        WILLS_PUBLISHED,
        WILLS_LOST,
        PUBLISH_IN_QOS_MINUS1,
        PUBLISH_IN_QOS0,
        PUBLISH_IN_QOS1,
        PUBLISH_IN_QOS2,
        /** QoS 2 message ids written to the store because their PUBREL had not come within the write delay. */
        PUBREL_IDS_WRITTEN,
        /** QoS 2 message ids whose PUBREL came within the write delay: neither a row nor its delete was written. */
        PUBREL_IDS_NOT_WRITTEN,
        PUBLISH_IN_REJECTED_INVALID_TOPIC,
        PUBLISH_IN_REJECTED_CONGESTION,
        PUBLISH_IN_REFUSED_ACL,
        PUBLISH_IN_DROPPED,
        PUBLISH_OUT,
        PUBLISH_OUT_RETRIES,
        PUBLISH_OUT_DROPPED,
        BUFFER_OVERFLOW_DROPPED,
        REGISTER_REJECTED,
        SUBSCRIBE_REJECTED,
        SUBSCRIBE_REFUSED_ACL,
        UPSTREAM_MESSAGES_IN,
        INTERNAL_ERRORS;

        public String key() {
            return name().toLowerCase().replace('_', '.');
        }
    }

    private final LongAdder[] counters = new LongAdder[Counter.values().length];
    private final Map<MalformedReason, LongAdder> malformed = new EnumMap<>(MalformedReason.class);

    public GatewayMetrics() {
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
        for (MalformedReason reason : MalformedReason.values()) {
            malformed.put(reason, new LongAdder());
        }
    }

    public void increment(Counter counter) {
        counters[counter.ordinal()].increment();
    }

    public void countMalformed(MalformedReason reason) {
        counters[Counter.MALFORMED.ordinal()].increment();
        malformed.get(reason).increment();
    }

    public long get(Counter counter) {
        return counters[counter.ordinal()].sum();
    }

    public long malformed(MalformedReason reason) {
        return malformed.get(reason).sum();
    }

    /** All counters by key, malformed ones as "malformed.&lt;reason&gt;". */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            out.put(c.key(), get(c));
        }
        malformed.forEach((reason, adder) -> out.put("malformed." + reason.name().toLowerCase(), adder.sum()));
        return out;
    }
}
