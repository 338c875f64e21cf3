package io.sngw.bridge.mqtt;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bridge's own counters, by name: MQTT 5 reason codes the broker answered with, by packet and code
 * ({@code reason.puback.0x10}, {@code reason.connack.0x87}, …: success codes other than 0x00 and every failure),
 * QoS 0 expired while the broker was unreachable ({@value #QOS0_OFFLINE_EXPIRED}), publishes sent with a topic
 * alias in place of their topic ({@value #PUBLISH_ALIASED}), transparent mode's refusals
 * ({@value #CONNECTIONS_REFUSED}), QoS 0 dropped stale ({@value #QOS0_DROPPED_STALE}) or refused on a saturated link
 * ({@value #QOS0_DROPPED_SATURATED}). Any thread.
 */
public final class BridgeCounters {
    public static final String QOS0_OFFLINE_EXPIRED = "qos0.offline.expired";
    public static final String PUBLISH_ALIASED = "publish.aliased";
    public static final String CONNECTIONS_REFUSED = "transparent.connections.refused";
    public static final String UNMAPPED_DROPPED = "messages.in.unmapped.dropped";
    /** QoS 0 dropped because it was stale before the broker link could take it ({@code upstream.qos0-max-age}). */
    public static final String QOS0_DROPPED_STALE = "qos0.dropped.stale";
    /** QoS 0 refused at once because {@value Qos0Permits#MAX} were already waiting to be written. */
    public static final String QOS0_DROPPED_SATURATED = "qos0.dropped.saturated";

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    /** The gateway's share of each publish's latency, arrival to socket ({@code share.qos0.p99.us}, …). */
    final WriteLatency writeLatency = new WriteLatency();

    void increment(String name) {
        counts.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    void reason(String packet, int code) {
        increment(reasonKey(packet, code));
    }

    public static String reasonKey(String packet, int code) {
        return "reason." + packet + ".0x" + String.format("%02x", code & 0xFF);
    }

    /** A snapshot, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        copy.putAll(writeLatency.snapshot());
        return copy;
    }

    public long get(String name) {
        LongAdder a = counts.get(name);
        return a == null ? 0 : a.sum();
    }
}
