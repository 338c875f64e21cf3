package io.sngw.core.upstream;

import java.util.concurrent.CompletableFuture;

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

    /** Disconnects cleanly and releases threads. */
    void close();
}
