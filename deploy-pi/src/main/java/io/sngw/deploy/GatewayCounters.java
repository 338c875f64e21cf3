package io.sngw.deploy;

import io.sngw.bridge.mqtt.BridgeCounters;
import io.sngw.core.Gateway;
import io.sngw.core.store.Store;
import io.sngw.core.store.StoreAndForwardUpstream;
import io.sngw.store.sqlite.SqliteStore;
import io.sngw.transport.serial.SerialLink;
import io.sngw.transport.udp.UdpTransport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every counter of a running gateway by key, gathered from its parts: what operators, tests and benchmarks read. */
final class GatewayCounters {
    private GatewayCounters() {
    }

    /**
     * The core's ({@code GatewayMetrics}), the outbound queue's, the bridge's ({@code upstream.*}, its platform limits'
     * {@code upstream.platform.*}), the store's, then each serial port's under {@code serial.DEVICE.} (frames, bytes,
     * framing errors by reason, drops, reopens), the radio link security's and the UDP link's drops. A part that is
     * null (not started, not configured) contributes nothing.
     */
    static Map<String, Long> collect(Gateway gateway, StoreAndForwardUpstream outbound, BridgeAssembly.Bridge bridge,
                                     Store store, List<SerialLink> serialLinks, RadioSecurity radio, UdpTransport udp) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (gateway != null) {
            out.putAll(gateway.metrics().snapshot());
        }
        if (outbound != null) {
            out.putAll(outbound.counters());
        }
        BridgeCounters bridgeCounters = bridge == null ? null : bridge.counters();
        if (bridge != null) {
            out.putAll(bridge.platformStats().get()); // upstream.platform.*: what a cloud preset's limits adapted
            // listed even while zero (the rest of the bridge's counters come below)
            out.put("upstream." + BridgeCounters.QOS0_DROPPED_STALE, bridgeCounters.get(BridgeCounters.QOS0_DROPPED_STALE));
            out.put("upstream." + BridgeCounters.QOS0_DROPPED_SATURATED,
                    bridgeCounters.get(BridgeCounters.QOS0_DROPPED_SATURATED));
        }
        if (store instanceof SqliteStore sqlite) {
            out.put("store.batches.committed", sqlite.batchesCommitted());
            out.put("store.ops.written", sqlite.opsWritten());
            out.put("store.outbound.rows.written", sqlite.outboundRowsWritten());
            out.put("store.outbound.appends.skipped", sqlite.outboundAppendsSkipped());
        }
        serialLinks.forEach(l -> out.putAll(l.stats().snapshot("serial." + l.options().port().device() + ".")));
        if (radio != null) {
            out.putAll(radio.stats().snapshot());
        }
        if (udp != null) {
            // Drops per reason on the UDP link: refused by the fair share before a copy, and by the kernel (full buffer).
            out.put("udp.shed.before.copy", udp.stats().shed());
            out.put("udp.kernel.drops", udp.kernelDrops().stream().mapToLong(Long::longValue).sum());
        }
        if (bridgeCounters != null) {
            bridgeCounters.snapshot().forEach((name, value) -> out.put("upstream." + name, value));
        }
        return out;
    }
}
