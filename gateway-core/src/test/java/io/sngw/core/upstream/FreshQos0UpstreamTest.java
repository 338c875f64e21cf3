package io.sngw.core.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/** The stamping wrapper in front of the bridge: QoS 0 gets a deadline, and everything else reaches the bridge. */
class FreshQos0UpstreamTest {

    private static final ClientRef SENSOR = new ClientRef("s-1", "udp");

    /** Records what reaches it; answers the per-sensor questions unlike the aggregating defaults. */
    private static final class RecordingUpstream implements Upstream {
        final List<String> calls = new ArrayList<>();
        final List<UpstreamMessage> published = new ArrayList<>();

        @Override
        public void start(UpstreamListener listener) {
            calls.add("start");
        }

        @Override
        public CompletableFuture<Void> publish(UpstreamMessage message) {
            published.add(message);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Integer> subscribe(String filter, int qos) {
            calls.add("subscribe " + filter);
            return CompletableFuture.completedFuture(qos);
        }

        @Override
        public void restoreSubscription(String filter, int qos) {
            calls.add("restore " + filter);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(String filter) {
            calls.add("unsubscribe " + filter);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Integer> subscribe(ClientRef client, String filter, int qos) {
            calls.add("subscribe " + client.clientId() + " " + filter);
            return CompletableFuture.completedFuture(qos);
        }

        @Override
        public void restoreSubscription(ClientRef client, String filter, int qos) {
            calls.add("restore " + client.clientId() + " " + filter);
        }

        @Override
        public CompletableFuture<Void> unsubscribe(ClientRef client, String filter) {
            calls.add("unsubscribe " + client.clientId() + " " + filter);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean sensorConnected(SensorConnection connection) {
            calls.add("connected " + connection.client().clientId());
            return false;
        }

        @Override
        public void sensorAsleep(ClientRef client) {
            calls.add("asleep " + client.clientId());
        }

        @Override
        public CompletableFuture<Void> sensorAwake(ClientRef client) {
            calls.add("awake " + client.clientId());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean sensorDisconnected(ClientRef client, boolean lost) {
            calls.add("disconnected " + client.clientId() + " " + lost);
            return true;
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void aQos0MessageIsStampedWithItsDeadlineAndKeepsItsSensor() {
        RecordingUpstream bridge = new RecordingUpstream();
        long before = System.nanoTime();
        new FreshQos0Upstream(bridge, Duration.ofMillis(100)).publish(
                new UpstreamMessage("t", new byte[] {1}, 0, false, SENSOR, 42));

        UpstreamMessage m = bridge.published.get(0);
        assertTrue(m.staleAtNanos() - before >= Duration.ofMillis(100).toNanos());
        assertEquals(SENSOR, m.client());
        assertEquals(42, m.heldSinceMillis());
    }

    @Test
    void aQos0MessageAgesFromWhenItsDatagramArrivedNotFromWhenTheCoreHandsItOver() {
        RecordingUpstream bridge = new RecordingUpstream();
        long arrived = System.nanoTime() - Duration.ofMillis(150).toNanos();
        new FreshQos0Upstream(bridge, Duration.ofMillis(100)).publish(
                new UpstreamMessage("t", new byte[] {1}, 0, false, SENSOR).receivedAt(arrived));

        UpstreamMessage m = bridge.published.get(0);
        assertEquals(arrived + Duration.ofMillis(100).toNanos(), m.staleAtNanos());
        assertTrue(m.staleBy(System.nanoTime()), "150 ms after arrival it is past a 100 ms bound");
    }

    @Test
    void aQos1MessageGoesThroughWithoutADeadline() {
        RecordingUpstream bridge = new RecordingUpstream();
        new FreshQos0Upstream(bridge, Duration.ofMillis(100)).publish(new UpstreamMessage("t", new byte[] {1}, 1, false));

        assertEquals(0, bridge.published.get(0).staleAtNanos());
    }

    @Test
    void thePerSensorCallsReachTheBridgeBehindIt() {
        RecordingUpstream bridge = new RecordingUpstream();
        Upstream fresh = new FreshQos0Upstream(bridge, Duration.ofMillis(100));

        assertFalse(fresh.sensorConnected(new SensorConnection(SENSOR, true, 60, null)));
        fresh.subscribe(SENSOR, "a/#", 1);
        fresh.restoreSubscription(SENSOR, "b", 0);
        fresh.unsubscribe(SENSOR, "a/#");
        fresh.sensorAsleep(SENSOR);
        fresh.sensorAwake(SENSOR);
        assertTrue(fresh.sensorDisconnected(SENSOR, true));

        assertEquals(List.of("connected s-1", "subscribe s-1 a/#", "restore s-1 b", "unsubscribe s-1 a/#", "asleep s-1",
                "awake s-1", "disconnected s-1 true"), bridge.calls);
    }
}
