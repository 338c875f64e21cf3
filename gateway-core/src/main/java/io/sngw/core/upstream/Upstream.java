package io.sngw.core.upstream;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The upstream port: the core's view of the MQTT broker, implemented by bridge-mqtt. Every method returns at
 * once; futures complete on the bridge's own thread, so the core hops back to its session loop before touching
 * session state.
 */
public interface Upstream {

    /** Connects (and keeps reconnecting) in the background; events and messages go to the listener. */
    void start(UpstreamListener listener);

    /**
     * Publishes a message. The future completes when the broker has it: for QoS 0 once written to the socket,
     * for QoS 1 on PUBACK, for QoS 2 on PUBREC. It fails with {@link UpstreamUnavailableException} at once when
     * the broker is not connected, and when the connection drops before the acknowledgement.
     */
    CompletableFuture<Void> publish(UpstreamMessage message);

    /**
     * Adds one reference to a subscription. The first reference (or a higher QoS) subscribes at the broker; a
     * repeated SUBSCRIBE makes the broker send matching retained messages again. The future yields the granted
     * QoS, or fails when the broker refused the filter or is not connected. Subscriptions survive reconnects.
     */
    CompletableFuture<Integer> subscribe(String filter, int qos);

    /**
     * Adds one reference to a subscription without asking the broker now: for sessions restored after a restart,
     * before {@link #start}. The broker is asked on connecting, like for every subscription held.
     */
    void restoreSubscription(String filter, int qos);

    /** Removes one reference; the last one unsubscribes at the broker. */
    CompletableFuture<Void> unsubscribe(String filter);

    boolean isConnected();

    /**
     * The one thread, if there is one, on which this upstream takes every publish and completes every publish future:
     * state owned by that thread (the outbound queue's) publishes and sees the answers without a hand-off to another
     * thread, which in a lockstep round trip is a wake-up each way. Nothing that blocks may run on it. It runs nothing
     * more once {@link #close()} has returned. Empty (the default) where there is no single such thread, e.g. one
     * broker connection per sensor.
     */
    default Optional<ScheduledExecutorService> publishLoop() {
        return Optional.empty();
    }

    // ---- per sensor: an upstream that keeps a connection per sensor (transparent mode) or names the sensor in
    // topics (topic templates) overrides these; the defaults are the aggregating behaviour. Called on the sensor's
    // session loop; they must not block.

    /** {@link #subscribe(String, int)} on behalf of one sensor. */
    default CompletableFuture<Integer> subscribe(ClientRef client, String filter, int qos) {
        return subscribe(filter, qos);
    }

    /** {@link #restoreSubscription(String, int)} on behalf of one sensor. */
    default void restoreSubscription(ClientRef client, String filter, int qos) {
        restoreSubscription(filter, qos);
    }

    /** {@link #unsubscribe(String)} on behalf of one sensor. */
    default CompletableFuture<Void> unsubscribe(ClientRef client, String filter) {
        return unsubscribe(filter);
    }

    /**
     * A sensor's CONNECT was accepted (will dialogue done), just before its CONNACK.
     *
     * @return false to refuse it: no upstream connection is available for it (the sensor then gets CONNACK 0x01,
     *         congestion)
     */
    default boolean sensorConnected(SensorConnection connection) {
        return true;
    }

    /** The sensor went to sleep (DISCONNECT with a duration): its upstream session must be kept for it. */
    default void sensorAsleep(ClientRef client) {
    }

    /**
     * The sleeping sensor woke (PINGREQ with its client id). The future completes once what the broker kept for it
     * has been handed to the listener (or at once when nothing is to be fetched); the core sends the wake's PINGRESP
     * only after that, so the sensor gets those messages in this wake.
     */
    default CompletableFuture<Void> sensorAwake(ClientRef client) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The sensor disconnected ({@code lost} false) or was lost ({@code lost} true: keep-alive or sleep expired, or
     * its address taken).
     *
     * @return true when the broker publishes the sensor's will itself (the sensor's own connection was dropped
     *         without DISCONNECT): the core then does not publish it
     */
    default boolean sensorDisconnected(ClientRef client, boolean lost) {
        return false;
    }

    /** Disconnects cleanly and releases threads. */
    void close();
}
