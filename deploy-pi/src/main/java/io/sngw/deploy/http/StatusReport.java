package io.sngw.deploy.http;

import io.sngw.core.SessionView;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One look at the gateway, for {@code /api/status}, {@code /api/clients}, the status page and the metrics alike:
 * taken on the endpoint's thread, waiting (bounded) for the snapshots the sessions' loops and the queue's thread take.
 * Sessions are counted in full ({@code counts}) but viewed one by one only up to a limit ({@code sessions}): a
 * gateway may hold 100,000 of them, and their views would not fit a Pi's heap.
 */
record StatusReport(String version, Duration uptime, String upstreamUrl, boolean upstreamConnected,
                    Instant upstreamDownSince, long reconnects, Map<SessionView.Status, Map<String, Long>> counts,
                    List<SessionView> sessions, Instant takenAt, long queueDepth, Duration oldestQueued,
                    List<GatewayState.LinkView> links) {

    /** How long a look waits for the loops to answer: a gateway that busy is better reported as such than waited on. */
    static final Duration WAIT = Duration.ofSeconds(5);

    /** @param limit how many sessions to view one by one (0 for counts only) */
    static StatusReport take(GatewayState state, Instant startedAt, Clock clock, int limit) throws TimeoutException {
        Map<SessionView.Status, Map<String, Long>> counts = await(state.sessionCounts());
        List<SessionView> sessions = limit == 0 ? List.of() : await(state.sessions(limit));
        OptionalLong oldest = await(state.oldestQueuedAtMillis());
        Instant now = clock.instant();
        UpstreamWatch upstream = state.upstream();
        return new StatusReport(state.version(), Duration.between(startedAt, now), state.upstreamUrl(),
                upstream.connected(), upstream.downSince(), upstream.reconnects(), counts, sessions, now,
                state.queueDepth(),
                oldest.isPresent() ? Duration.ofMillis(Math.max(0, now.toEpochMilli() - oldest.getAsLong())) : null,
                state.links());
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws TimeoutException {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    long count(SessionView.Status status) {
        return counts.getOrDefault(status, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    long total() {
        return counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    /** When the session was last heard from, or null. */
    Instant lastSeen(SessionView s) {
        return s.sinceLastSeen() == null ? null : takenAt.minus(s.sinceLastSeen());
    }

    /** {@code GET /api/status}. */
    Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", version);
        out.put("uptimeSeconds", uptime.toSeconds());
        Map<String, Object> up = new LinkedHashMap<>();
        up.put("url", upstreamUrl);
        up.put("connected", upstreamConnected);
        up.put("downSince", upstreamDownSince == null ? null : upstreamDownSince.toString());
        up.put("reconnects", reconnects);
        out.put("upstream", up);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("active", count(SessionView.Status.ACTIVE) + count(SessionView.Status.CONNECTING));
        s.put("asleep", count(SessionView.Status.ASLEEP));
        s.put("awake", count(SessionView.Status.AWAKE));
        s.put("lost", count(SessionView.Status.LOST));
        s.put("disconnected", count(SessionView.Status.DISCONNECTED));
        s.put("total", total());
        out.put("sessions", s);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("depth", queueDepth);
        q.put("oldestAgeMillis", oldestQueued == null ? null : oldestQueued.toMillis());
        out.put("queue", q);
        List<Object> l = new ArrayList<>();
        for (GatewayState.LinkView link : links) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", link.kind());
            m.put("address", link.address());
            m.put("state", link.state());
            l.add(m);
        }
        out.put("links", l);
        return out;
    }

    /** {@code GET /api/clients}. */
    List<Object> clients() {
        List<Object> out = new ArrayList<>();
        for (SessionView s : sessions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("clientId", s.clientId());
            m.put("state", s.status().label());
            m.put("link", s.link());
            m.put("address", s.address());
            Instant seen = lastSeen(s);
            m.put("lastSeen", seen == null ? null : seen.toString());
            m.put("subscriptions", s.subscriptions());
            m.put("pending", s.pending());
            out.add(m);
        }
        return out;
    }
}
