package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The gateway's share of latency, as counters: percentiles are bucket upper bounds, QoS 0 apart from QoS 1/2. */
class WriteLatencyTest {

    @Test
    void percentilesAreTheUpperBoundsOfTheirBucketsPerQosClass() {
        WriteLatency latency = new WriteLatency();
        for (int i = 0; i < 98; i++) {
            latency.record(1, 2_500_000); // 2.5 ms: the bucket up to 3 ms
        }
        latency.record(2, 250_000_000); // 250 ms: up to 260 ms
        latency.record(1, 20_000_000_000L); // 20 s: counted as 10 s and beyond
        latency.record(0, 5_000); // 5 µs: up to 10 µs

        Map<String, Long> s = latency.snapshot();
        assertEquals(100, s.get("share.qos12.count"));
        assertEquals(3_000, s.get("share.qos12.p50.us"));
        assertEquals(260_000, s.get("share.qos12.p99.us"));
        assertEquals(10_000_000, s.get("share.qos12.max.us"));
        assertEquals(1, s.get("share.qos0.count"));
        assertEquals(10, s.get("share.qos0.p99.us"));
    }

    @Test
    void nothingWrittenGivesNoFigures() {
        assertEquals(Map.of(), new WriteLatency().snapshot());
    }
}
