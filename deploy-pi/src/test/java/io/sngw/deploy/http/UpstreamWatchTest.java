package io.sngw.deploy.http;

import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What health and metrics learn of the broker connection: since when it is down, how often it came back. */
class UpstreamWatchTest {
    private static final Instant T0 = Instant.parse("2026-12-07T20:00:00Z");

    /** A bridge whose connection the test turns on and off, telling its listener as the real one does. */
    private static final class Bridge implements Upstream {
        UpstreamListener listener;
        boolean connected;

        void connection(boolean up) {
            connected = up;
            listener.onConnectionChanged(up);
        }

        @Override
        public void start(UpstreamListener l) {
            listener = l;
        }

        @Override
        public CompletableFuture<Void> publish(UpstreamMessage message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Integer> subscribe(String filter, int qos) {
            return CompletableFuture.completedFuture(qos);
        }

        @Override
        public void restoreSubscription(String filter, int qos) {
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String filter) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public void close() {
        }
    }

    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void downSinceStartUntilTheFirstConnectionWhichIsNoReconnect() {
        Bridge bridge = new Bridge();
        UpstreamWatch watch = new UpstreamWatch(bridge, clock);
        List<Boolean> seenByCore = new ArrayList<>();
        watch.start(recording(seenByCore));
        now = T0.plusSeconds(5);
        assertEquals(T0, watch.downSince());

        bridge.connection(true);

        assertNull(watch.downSince());
        assertEquals(0, watch.reconnects());
        assertEquals(List.of(true), seenByCore); // passed on to the core
    }

    @Test
    void aLostConnectionIsDownFromWhenItWasLostAndCountsOnceBack() {
        Bridge bridge = new Bridge();
        UpstreamWatch watch = new UpstreamWatch(bridge, clock);
        watch.start(recording(new ArrayList<>()));
        bridge.connection(true);
        now = T0.plusSeconds(100);

        bridge.connection(false);
        now = T0.plusSeconds(130);
        assertEquals(T0.plusSeconds(100), watch.downSince());
        bridge.connection(true);

        assertNull(watch.downSince());
        assertEquals(1, watch.reconnects());
    }

    /** The core's side: records the connection changes passed on. */
    private static UpstreamListener recording(List<Boolean> changes) {
        return new UpstreamListener() {
            @Override
            public void onMessage(UpstreamMessage message, Runnable taken) {
            }

            @Override
            public void onConnectionChanged(boolean connected) {
                changes.add(connected);
            }
        };
    }
}
