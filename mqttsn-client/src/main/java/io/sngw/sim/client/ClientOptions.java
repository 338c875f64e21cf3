package io.sngw.sim.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How an {@link MqttSnClient} is set up.
 *
 * @param localAddress     the local socket to bind, or null for an ephemeral port (on the gateway's loopback
 *                         address when the gateway is on loopback, so the gateway sees exactly this address)
 * @param timeout          how long a request waits for its answer when retries are off
 * @param retry            resends of unanswered requests; {@link RetryPolicy#none()} by default
 * @param predefinedTopics predefined topic ids known to this client, id to name, to name incoming PUBLISHes
 * @param answerRegister   whether a REGISTER from the gateway is acknowledged automatically
 * @param maxInFlight      how many {@link MqttSnClient#publishAsync} exchanges may be open at once
 */
public record ClientOptions(InetSocketAddress localAddress, Duration timeout, RetryPolicy retry,
                            Map<Integer, String> predefinedTopics, boolean answerRegister, int maxInFlight) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_IN_FLIGHT = 16;

    public ClientOptions {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        Objects.requireNonNull(retry, "retry");
        predefinedTopics = Map.copyOf(Objects.requireNonNull(predefinedTopics, "predefinedTopics"));
        predefinedTopics.forEach((id, name) -> {
            if (id < 0 || id > 0xFFFF) {
                throw new IllegalArgumentException("predefined topic id must be 0..65535: " + id);
            }
        });
        if (maxInFlight < 1 || maxInFlight > 0xFFFE) {
            throw new IllegalArgumentException("max in flight must be 1..65534: " + maxInFlight);
        }
    }

    public static ClientOptions defaults() {
        return new ClientOptions(null, DEFAULT_TIMEOUT, RetryPolicy.none(), Map.of(), true, DEFAULT_MAX_IN_FLIGHT);
    }

    public ClientOptions withLocalAddress(InetSocketAddress newLocalAddress) {
        return new ClientOptions(newLocalAddress, timeout, retry, predefinedTopics, answerRegister, maxInFlight);
    }

    public ClientOptions withTimeout(Duration newTimeout) {
        return new ClientOptions(localAddress, newTimeout, retry, predefinedTopics, answerRegister, maxInFlight);
    }

    public ClientOptions withRetry(RetryPolicy newRetry) {
        return new ClientOptions(localAddress, timeout, newRetry, predefinedTopics, answerRegister, maxInFlight);
    }

    public ClientOptions withPredefinedTopics(Map<Integer, String> newPredefinedTopics) {
        return new ClientOptions(localAddress, timeout, retry, newPredefinedTopics, answerRegister, maxInFlight);
    }

    public ClientOptions withAnswerRegister(boolean newAnswerRegister) {
        return new ClientOptions(localAddress, timeout, retry, predefinedTopics, newAnswerRegister, maxInFlight);
    }

    public ClientOptions withMaxInFlight(int newMaxInFlight) {
        return new ClientOptions(localAddress, timeout, retry, predefinedTopics, answerRegister, newMaxInFlight);
    }
}
