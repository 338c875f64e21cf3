package io.sngw.core;

import io.sngw.core.CoreHarness.SensorEnd;
import io.sngw.core.SessionView.Status;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Disconnect;
import io.sngw.core.codec.MqttSnMessage.SubAck;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.core.config.GatewayOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Gateway#sessions(int)} and {@link Gateway#sessionCounts()}: what the status page, the metrics and
 * {@code sngw clients} show of the sessions.
 */
class SessionViewsTest {
    private final CoreHarness core = new CoreHarness(GatewayOptions.defaults());

    @AfterEach
    void close() {
        core.close();
    }

    @Test
    void aConnectedSensorIsActiveOnItsLinkWithItsSubscriptionsAndWhenLastHeard() {
        SensorEnd sensor = connect("kitchen", "a", true, 60);
        subscribe(sensor, "cmd/kitchen", 1);
        core.advance(Duration.ofSeconds(5));

        assertEquals(List.of(new SessionView("kitchen", Status.ACTIVE, "fake", "Address[name=a]",
                Duration.ofSeconds(5), 1, 0)), views());
    }

    @Test
    void aSleepingSensorIsAsleepWithWhatWasKeptForIt() {
        SensorEnd sensor = connect("cellar", "b", false, 60);
        subscribe(sensor, "cmd/cellar", 1);
        sensor.send(new Disconnect(3600));
        sensor.expect(new Disconnect());
        core.brokerPublishes("cmd/cellar", "open valve", 1);

        SessionView view = views().get(0);
        assertEquals(Status.ASLEEP, view.status());
        assertEquals(1, view.pending());
    }

    @Test
    void aPersistentSensorWhoseKeepAliveExpiredIsLostAndKeepsWhenItWasLastHeard() {
        connect("attic", "c", false, 10);
        core.advance(Duration.ofSeconds(60));

        assertEquals(List.of(new SessionView("attic", Status.LOST, null, null, Duration.ofSeconds(60), 0, 0)),
                views());
    }

    @Test
    void aPersistentSensorThatSaidDisconnectIsDisconnectedAndACleanOneIsGone() {
        SensorEnd persistent = connect("porch", "d", false, 60);
        SensorEnd clean = connect("garage", "e", true, 60);
        persistent.send(new Disconnect(null));
        clean.send(new Disconnect(null));

        List<SessionView> views = views();
        assertEquals(List.of("porch"), views.stream().map(SessionView::clientId).toList());
        assertEquals(Status.DISCONNECTED, views.get(0).status());
    }

    @Test
    void sessionsAreListedByClientIdUpToTheLimit() {
        connect("c-sensor", "1", true, 60);
        connect("b-sensor", "2", true, 60);
        connect("a-sensor", "3", true, 60);

        CompletableFuture<List<SessionView>> firstTwo = core.gateway.sessions(2);
        core.time.settle();

        assertEquals(List.of("a-sensor", "b-sensor"), firstTwo.join().stream().map(SessionView::clientId).toList());
    }

    @Test
    void sessionsAreCountedByStateAndLinkWithoutAViewOfEach() {
        connect("kitchen", "a", true, 60);
        connect("hall", "b", true, 60);
        SensorEnd cellar = connect("cellar", "c", false, 60);
        cellar.send(new Disconnect(3600));
        connect("attic", "d", false, 10);
        core.advance(Duration.ofSeconds(60)); // attic is lost; the sleeper's 1.5 h are far off

        CompletableFuture<java.util.Map<Status, java.util.Map<String, Long>>> counts = core.gateway.sessionCounts();
        core.time.settle();

        assertEquals(java.util.Map.of(Status.ACTIVE, java.util.Map.of("fake", 2L), Status.ASLEEP,
                java.util.Map.of("fake", 1L), Status.LOST, java.util.Map.of("none", 1L)), counts.join());
    }

    private List<SessionView> views() {
        CompletableFuture<List<SessionView>> views = core.gateway.sessions(Integer.MAX_VALUE);
        core.time.settle(); // the views are taken on the sessions' loops
        return views.join();
    }

    private SensorEnd connect(String clientId, String address, boolean clean, int keepAlive) {
        SensorEnd sensor = core.sensor(address);
        sensor.send(new Connect(false, clean, keepAlive, clientId));
        sensor.expect(new ConnAck(ReturnCode.ACCEPTED));
        return sensor;
    }

    private static void subscribe(SensorEnd sensor, String topic, int qos) {
        sensor.send(new Subscribe(false, qos, 1, new TopicRef.Name(topic)));
        sensor.expect(SubAck.class);
    }
}
