package io.sngw.bridge.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The gateway's share of a publish's end-to-end latency: from its datagram's arrival at the gateway
 * ({@code UpstreamMessage.receivedAtNanos}) to the moment its bytes are handed to the broker connection's socket.
 * What comes after (TCP buffers, the broker, its queue to a subscriber) is not the gateway's. Kept apart for QoS 0 and
 * QoS 1/2, in buckets of 10 µs below 1 ms, 1 ms below 100 ms and 10 ms up to 10 s (a percentile is its bucket's upper
 * bound). Any thread: a transparent bridge's connections share it.
 */
final class WriteLatency {
    private static final int BUCKETS = 100 + 99 + 990 + 1;
    private final AtomicLongArray qos0 = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray qos12 = new AtomicLongArray(BUCKETS);

    void record(int qos, long nanos) {
        (qos == 0 ? qos0 : qos12).incrementAndGet(bucket(Math.max(0, nanos) / 1000));
    }

    static int bucket(long micros) {
        if (micros < 1_000) {
            return (int) (micros / 10);
        }
        if (micros < 100_000) {
            return 100 + (int) ((micros - 1_000) / 1_000);
        }
        if (micros < 10_000_000) {
            return 199 + (int) ((micros - 100_000) / 10_000);
        }
        return BUCKETS - 1;
    }

    /** The upper bound of a bucket in µs (the last: 10 s and beyond, given as 10 s). */
    static long upperMicros(int bucket) {
        if (bucket < 100) {
            return (bucket + 1) * 10L;
        }
        if (bucket < 199) {
            return 1_000 + (bucket - 99) * 1_000L;
        }
        return Math.min(10_000_000, 100_000 + (bucket - 198) * 10_000L);
    }

    /** {@code share.qos0.count}, {@code .p50.us}, {@code .p99.us}, {@code .max.us}, the same for qos12; none while empty. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        put(out, "share.qos0.", qos0);
        put(out, "share.qos12.", qos12);
        return out;
    }

    private static void put(Map<String, Long> out, String prefix, AtomicLongArray counts) {
        long[] c = new long[BUCKETS];
        long total = 0;
        int max = -1;
        for (int i = 0; i < BUCKETS; i++) {
            c[i] = counts.get(i);
            total += c[i];
            if (c[i] > 0) {
                max = i;
            }
        }
        if (total == 0) {
            return;
        }
        out.put(prefix + "count", total);
        out.put(prefix + "p50.us", percentile(c, total, 0.50));
        out.put(prefix + "p99.us", percentile(c, total, 0.99));
        out.put(prefix + "max.us", upperMicros(max));
    }

    private static long percentile(long[] c, long total, double p) {
        long rank = (long) Math.ceil(total * p);
        long seen = 0;
        for (int i = 0; i < c.length; i++) {
            seen += c[i];
            if (seen >= rank) {
                return upperMicros(i);
            }
        }
        return upperMicros(c.length - 1);
    }
}
