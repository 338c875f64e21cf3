package io.sngw.core.config;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the core needs to know, already validated: the YAML file is parsed and checked in deploy-pi, which builds
 * this record. Defaults follow the MQTT-SN 1.2 recommendations.
 *
 * @param gatewayId          GwId in ADVERTISE and GWINFO (0..255)
 * @param predefinedTopics   topic id → topic name agreed with the sensors in advance
 * @param advertiseInterval  period of ADVERTISE broadcasts; zero turns them off
 * @param maxClients         sessions kept at once; a CONNECT beyond gets CONNACK 0x01 (congestion)
 * @param maxPayload         largest PUBLISH payload accepted from a sensor or delivered to one, in bytes
 * @param maxInflight        unacknowledged QoS 1/2 messages per client and direction
 * @param maxTopicsPerClient registered topic ids per client; REGISTER beyond gets REGACK 0x01
 * @param maxSubscriptionsPerClient subscriptions per client; SUBSCRIBE beyond gets SUBACK 0x01
 * @param maxBufferedPerClient messages queued for a client that cannot take them yet (in-flight window full)
 * @param retryInterval      T_retry: wait for an acknowledgement before resending with DUP
 * @param maxRetries         N_retry: resends before the client is considered lost
 * @param keepAliveFactor    a client silent for keep-alive × this factor is lost (MQTT uses 1.5)
 * @param sessionLoops       single-threaded executors that own the sessions (0 = one per core)
 * @param broadcastGwInfo    answer SEARCHGW by broadcast on the link as well, so that other clients learn of us too
 * @param budgets            bounds on the state of all clients together, and the idle expiry of unsupervised sessions
 * @param pubRelWriteDelay   how long a QoS 2 message id answered with PUBREC waits for the sensor's PUBREL before it is
 *                           written to the store (the same first-witness rule as the outbound queue's write delay: a
 *                           PUBREL within it makes the row unnecessary); zero writes it, and sends PUBREC, only once
 *                           committed
 */
public record GatewayOptions(
        int gatewayId,
        Map<Integer, String> predefinedTopics,
        Duration advertiseInterval,
        int maxClients,
        int maxPayload,
        int maxInflight,
        int maxTopicsPerClient,
        int maxSubscriptionsPerClient,
        int maxBufferedPerClient,
        Duration retryInterval,
        int maxRetries,
        double keepAliveFactor,
        int sessionLoops,
        boolean broadcastGwInfo,
        Budgets budgets,
        Duration pubRelWriteDelay) {

    public GatewayOptions {
        require(gatewayId >= 0 && gatewayId <= 255, "gatewayId must be 0..255: " + gatewayId);
        predefinedTopics = Map.copyOf(predefinedTopics == null ? Map.of() : predefinedTopics);
        predefinedTopics.forEach((id, name) -> {
            require(id > 0 && id < 0xFFFF, "predefined topic id must be 1..65534: " + id);
            require(name != null && !name.isEmpty() && name.indexOf('+') < 0 && name.indexOf('#') < 0,
                    "predefined topic " + id + " must be a topic name without wildcards: " + name);
        });
        require(advertiseInterval != null && !advertiseInterval.isNegative(), "advertiseInterval must be >= 0");
        require(maxClients > 0, "maxClients must be > 0: " + maxClients);
        require(maxPayload > 0 && maxPayload <= 65535 - 7, "maxPayload must be 1..65528: " + maxPayload);
        require(maxInflight > 0 && maxInflight <= 65535, "maxInflight must be 1..65535: " + maxInflight);
        require(maxTopicsPerClient > 0 && maxTopicsPerClient < 0xFFFF, "maxTopicsPerClient must be 1..65534");
        require(maxSubscriptionsPerClient > 0, "maxSubscriptionsPerClient must be > 0");
        require(maxBufferedPerClient > 0, "maxBufferedPerClient must be > 0");
        require(retryInterval != null && !retryInterval.isNegative() && !retryInterval.isZero(), "retryInterval must be > 0");
        require(maxRetries >= 0, "maxRetries must be >= 0: " + maxRetries);
        require(keepAliveFactor >= 1.0, "keepAliveFactor must be >= 1.0: " + keepAliveFactor);
        require(sessionLoops >= 0, "sessionLoops must be >= 0: " + sessionLoops);
        require(budgets != null, "budgets must be given");
        require(pubRelWriteDelay != null && !pubRelWriteDelay.isNegative(), "pubRelWriteDelay must be >= 0");
    }

    /** As the outbound queue's default write delay (store.write-delay), which sets it in the app. */
    public static final Duration DEFAULT_PUBREL_WRITE_DELAY = Duration.ofMillis(20);

    public static GatewayOptions defaults() {
        return new GatewayOptions(1, Map.of(), Duration.ZERO, 100_000, 1024, 10, 1000, 100, 1000,
                Duration.ofSeconds(10), 3, 1.5, 0, false, Budgets.defaults(), DEFAULT_PUBREL_WRITE_DELAY);
    }

    public GatewayOptions withPubRelWriteDelay(Duration delay) {
        return new GatewayOptions(gatewayId, predefinedTopics, advertiseInterval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, retryInterval, maxRetries,
                keepAliveFactor, sessionLoops, broadcastGwInfo, budgets, delay);
    }

    /** The predefined topics sorted by id, for logs. */
    public Map<Integer, String> predefinedTopicsSorted() {
        return new TreeMap<>(predefinedTopics);
    }

    public GatewayOptions withGatewayId(int id) {
        return new GatewayOptions(id, predefinedTopics, advertiseInterval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, retryInterval, maxRetries,
                keepAliveFactor, sessionLoops, broadcastGwInfo, budgets, pubRelWriteDelay);
    }

    public GatewayOptions withPredefinedTopics(Map<Integer, String> topics) {
        return new GatewayOptions(gatewayId, topics, advertiseInterval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, retryInterval, maxRetries,
                keepAliveFactor, sessionLoops, broadcastGwInfo, budgets, pubRelWriteDelay);
    }

    public GatewayOptions withAdvertiseInterval(Duration interval) {
        return new GatewayOptions(gatewayId, predefinedTopics, interval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, retryInterval, maxRetries,
                keepAliveFactor, sessionLoops, broadcastGwInfo, budgets, pubRelWriteDelay);
    }

    public GatewayOptions withLimits(int clients, int payload, int inflight, int topicsPerClient, int subscriptionsPerClient,
                                     int bufferedPerClient) {
        return new GatewayOptions(gatewayId, predefinedTopics, advertiseInterval, clients, payload, inflight,
                topicsPerClient, subscriptionsPerClient, bufferedPerClient, retryInterval, maxRetries, keepAliveFactor,
                sessionLoops, broadcastGwInfo, budgets, pubRelWriteDelay);
    }

    public GatewayOptions withRetry(Duration interval, int retries) {
        return new GatewayOptions(gatewayId, predefinedTopics, advertiseInterval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, interval, retries, keepAliveFactor,
                sessionLoops, broadcastGwInfo, budgets, pubRelWriteDelay);
    }

    public GatewayOptions withSessionLoops(int loops) {
        return new GatewayOptions(gatewayId, predefinedTopics, advertiseInterval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, retryInterval, maxRetries,
                keepAliveFactor, loops, broadcastGwInfo, budgets, pubRelWriteDelay);
    }

    public GatewayOptions withBroadcastGwInfo(boolean broadcast) {
        return new GatewayOptions(gatewayId, predefinedTopics, advertiseInterval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, retryInterval, maxRetries,
                keepAliveFactor, sessionLoops, broadcast, budgets, pubRelWriteDelay);
    }

    public GatewayOptions withBudgets(Budgets newBudgets) {
        return new GatewayOptions(gatewayId, predefinedTopics, advertiseInterval, maxClients, maxPayload, maxInflight,
                maxTopicsPerClient, maxSubscriptionsPerClient, maxBufferedPerClient, retryInterval, maxRetries,
                keepAliveFactor, sessionLoops, broadcastGwInfo, newBudgets, pubRelWriteDelay);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
