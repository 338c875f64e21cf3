package io.sngw.deploy.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: 200 while the gateway does its job, 503 once the broker has been unreachable longer than
 * {@code http.health.upstream-down-after} (a short outage is what store-and-forward is for, not an alarm) or a store
 * write failed within the last {@link #STORE_FAILURE_WINDOW}. Called on the endpoint's thread only.
 */
final class HealthCheck {
    static final Duration STORE_FAILURE_WINDOW = Duration.ofMinutes(1);

    private final GatewayState state;
    private final Duration upstreamDownAfter;
    private final Clock clock;
    private long storeFailuresSeen;
    private Instant lastStoreFailure;

    HealthCheck(GatewayState state, Duration upstreamDownAfter, Clock clock) {
        this.state = state;
        this.upstreamDownAfter = upstreamDownAfter;
        this.clock = clock;
    }

    record Result(boolean healthy, Map<String, Object> body) {
    }

    Result check() {
        Instant now = clock.instant();
        UpstreamWatch upstream = state.upstream();
        Instant downSince = upstream.downSince();
        boolean upstreamOk = downSince == null || Duration.between(downSince, now).compareTo(upstreamDownAfter) < 0;
        long failures = state.storeWriteFailures();
        if (failures > storeFailuresSeen) {
            storeFailuresSeen = failures;
            lastStoreFailure = now;
        }
        boolean storeOk = lastStoreFailure == null
                || Duration.between(lastStoreFailure, now).compareTo(STORE_FAILURE_WINDOW) >= 0;
        boolean healthy = upstreamOk && storeOk;

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy ? (downSince == null ? "ok" : "degraded") : "failing");
        Map<String, Object> up = new LinkedHashMap<>();
        up.put("connected", downSince == null);
        up.put("downSince", downSince == null ? null : downSince.toString());
        up.put("downAfterSeconds", upstreamDownAfter.toSeconds());
        body.put("upstream", up);
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("ok", storeOk);
        store.put("writeFailures", failures);
        body.put("store", store);
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("depth", state.queueDepth());
        body.put("queue", queue);
        return new Result(healthy, body);
    }
}
