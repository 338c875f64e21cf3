package io.sngw.deploy.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sngw.core.SessionView;
import io.sngw.transport.udp.dtls.DtlsStats;
import io.sngw.transport.udp.dtls.HandshakeFailure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /metrics}: the gateway's existing counters as Micrometer meters in Prometheus text format. Nothing is
 * counted twice and nothing is added to a message's path: each scrape reads {@link GatewayState#counters()} once, and
 * the meters ({@link FunctionCounter}s, {@link Gauge}s) read that snapshot; a key seen for the first time gets its
 * meter then ({@link CounterMeters} names it). Sessions by state and link are the scrape's {@link StatusReport} counts.
 * Used on the endpoint's thread only.
 */
final class GatewayMeters implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GatewayState state;
    private final Set<String> bound = new HashSet<>();
    private final MultiGauge sessions;
    private volatile Map<String, Long> latest = Map.of();
    private volatile StatusReport report;

    GatewayMeters(GatewayState state) {
        this.state = state;
        // Read at each scrape. Not JvmGcMetrics: it subscribes to every collection's JMX notification, which the
        // JVM then builds for each of the many young collections a 40 MB heap makes under load (garbage and time
        // on every GC, for a figure jvm_memory_* already shows).
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        sessions = MultiGauge.builder("sngw.sessions").description("sessions held, by state and link")
                .register(registry);
        Gauge.builder("sngw.upstream.connected", state, s -> s.upstream().connected() ? 1 : 0)
                .description("1 while the bridge is connected to the broker").register(registry);
        FunctionCounter.builder("sngw.upstream.reconnects", state, s -> s.upstream().reconnects())
                .description("times the broker connection came back after a loss").register(registry);
        Gauge.builder("sngw.upstream.down.seconds", this, m -> m.report == null || m.report.upstreamDownSince() == null
                        ? 0 : java.time.Duration.between(m.report.upstreamDownSince(), m.report.takenAt()).toSeconds())
                .description("how long the broker has been unreachable; 0 while connected").register(registry);
        Gauge.builder("sngw.queue.oldest.age.seconds", this, m -> m.report == null || m.report.oldestQueued() == null
                        ? 0 : m.report.oldestQueued().toMillis() / 1000.0)
                .description("age of the oldest message in the outbound queue").register(registry);
        FunctionCounter.builder("sngw.store.write.failures", state, GatewayState::storeWriteFailures)
                .register(registry);
        bindDtls();
    }

    private void bindDtls() {
        DtlsStats dtls = state.dtlsStats();
        if (dtls == null) {
            return;
        }
        FunctionCounter.builder("sngw.dtls.handshakes", dtls, DtlsStats::handshakesStarted)
                .tags("result", "started", "reason", "none").register(registry);
        FunctionCounter.builder("sngw.dtls.handshakes", dtls, DtlsStats::handshakesCompleted)
                .tags("result", "completed", "reason", "none").register(registry);
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            FunctionCounter.builder("sngw.dtls.handshakes", dtls, d -> d.handshakesFailed(reason))
                    .tags("result", "failed", "reason", reason.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        Gauge.builder("sngw.dtls.peers", dtls, DtlsStats::peersActive).register(registry);
        Gauge.builder("sngw.dtls.handshakes.active", dtls, DtlsStats::handshakesActive).register(registry);
    }

    /** Reads the counters and the report once, binds meters for new keys, and writes everything out. */
    String scrape(StatusReport current) {
        report = current;
        Map<String, Long> counters = state.counters();
        latest = counters;
        for (String key : counters.keySet()) {
            if (bound.add(key)) {
                bind(key);
            }
        }
        Map<List<String>, Long> byStateAndLink = new TreeMap<>(Comparator.comparing(Object::toString));
        for (SessionView.Status status : SessionView.Status.values()) {
            byStateAndLink.put(List.of(status.label(), "none"), 0L); // every state, even at 0
        }
        current.counts().forEach((status, byLink) -> byLink.forEach((link, n) ->
                byStateAndLink.merge(List.of(status.label(), link), n, Long::sum)));
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byStateAndLink.forEach((k, n) -> rows.add(MultiGauge.Row.of(Tags.of("state", k.get(0), "link", k.get(1)), n)));
        sessions.register(rows, true);
        return registry.scrape();
    }

    private void bind(String key) {
        CounterMeters m = CounterMeters.of(key);
        if (m.gauge()) {
            Gauge.builder(m.name(), this, g -> g.latest.getOrDefault(key, 0L)).tags(m.tags()).register(registry);
        } else {
            FunctionCounter.builder(m.name(), this, g -> g.latest.getOrDefault(key, 0L)).tags(m.tags())
                    .register(registry);
        }
    }

    @Override
    public void close() {
        registry.close();
    }

}
