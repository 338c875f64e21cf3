package io.sngw.core.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the outbound queue did, for operators and benchmarks: above all, who acknowledged the sensors' messages and
 * how many disk writes that cost. Written by the queue's owner and the store's writer; read by anyone.
 */
final class OutboundCounters {
    final LongAdder forwarded = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder refusedFull = new LongAdder();
    final LongAdder refusedCongested = new LongAdder();
    final LongAdder held = new LongAdder();
    final LongAdder qos0Dropped = new LongAdder();
    final LongAdder witnessedByBroker = new LongAdder();
    final LongAdder witnessedByStore = new LongAdder();
    final LongAdder writesRequested = new LongAdder();
    final LongAdder writesAvoided = new LongAdder();
    /** Messages that waited longer than the write delay for a place in the broker's window, and were not written. */
    final LongAdder writesDeferred = new LongAdder();

    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("outbound.forwarded", forwarded.sum());
        out.put("outbound.acknowledged.by.broker", witnessedByBroker.sum());
        out.put("outbound.acknowledged.by.store", witnessedByStore.sum());
        out.put("outbound.held.for.broker", held.sum());
        out.put("outbound.refused.congested", refusedCongested.sum());
        out.put("outbound.refused.full", refusedFull.sum());
        out.put("outbound.expired", expired.sum());
        out.put("outbound.writes.requested", writesRequested.sum());
        out.put("outbound.writes.avoided", writesAvoided.sum());
        out.put("outbound.writes.deferred", writesDeferred.sum());
        out.put("outbound.qos0.dropped.offline", qos0Dropped.sum());
        return out;
    }
}
