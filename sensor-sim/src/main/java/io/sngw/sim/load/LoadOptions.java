package io.sngw.sim.load;

import io.sngw.sim.client.RetryPolicy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a {@link LoadGenerator} run does. Every run is bounded: it stops after {@code messagesPerSensor} measured
 * messages per sensor or after {@code duration}, whichever comes first, and it only talks to loopback addresses.
 *
 * @param gateway           the gateway's UDP address (loopback)
 * @param brokerUrl         the broker the gateway bridges to, {@code tcp://127.0.0.1:PORT}: what arrives there is counted
 * @param sensors           simulated sensors, each with its own UDP socket and client
 * @param qos               -1, 0, 1 or 2
 * @param window            QoS 1/2 publishes outstanding per sensor (1 = publish, wait for the ack, publish ...)
 * @param messagesPerSensor measured messages each sensor sends; 0 = as many as fit in {@code duration}
 * @param duration          length of the measured phase; with {@code messagesPerSensor} set, a cap on it
 * @param warmup            length of the warm-up phase before it (0 = none); its messages are not in the figures
 * @param payloadSize       bytes per PUBLISH payload, at least {@link Payload#HEADER_BYTES}
 * @param topicPrefix       sensor {@code i} publishes to {@code <prefix>/<i>}; the broker side subscribes to
 *                          {@code <prefix>/#}
 * @param ackTimeout        how long a QoS 1/2 publish waits for its acknowledgement (no resends)
 * @param drainTimeout      after the last send, how long to wait at most for the broker to receive what is still
 *                          on its way
 * @param predefinedBase    QoS -1 only: sensor {@code i} publishes to predefined topic id {@code base + i}, which
 *                          the gateway must map to {@code <prefix>/<i>}
 * @param reference         publish with Paho straight to the broker instead of through the gateway (the
 *                          reference line: what the broker and the counting subscriber manage on their own)
 * @param retry             how MQTT-SN sensors resend CONNECT, REGISTER and QoS 1/2 PUBLISHes left unanswered, as
 *                          real ones do (T_retry, N_retry); {@link RetryPolicy#none()} by default: each is sent once
 *                          and waits {@code ackTimeout}. With retries, a publish fails only after all of them, so the
 *                          loss reported is what a real sensor sees (what is left after its retries)
 */
public record LoadOptions(InetSocketAddress gateway, String brokerUrl, int sensors, int qos, int window,
                          long messagesPerSensor, Duration duration, Duration warmup, int payloadSize,
                          String topicPrefix, Duration ackTimeout, Duration drainTimeout, int predefinedBase,
                          boolean reference, RetryPolicy retry) {

    /** Hard caps so that a typo cannot start a run that never ends or eats the machine. */
    public static final int MAX_SENSORS = 10_000;
    public static final Duration MAX_DURATION = Duration.ofMinutes(30);

    public LoadOptions {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(brokerUrl, "brokerUrl");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(retry, "retry");
        require(gateway.getAddress() != null && gateway.getAddress().isLoopbackAddress(),
                "the gateway must be on a loopback address (the load generator stays on this machine): " + gateway);
        require(isLoopbackUrl(brokerUrl), "the broker URL must be tcp://<loopback address>:PORT: " + brokerUrl);
        require(sensors >= 1 && sensors <= MAX_SENSORS, "sensors must be 1.." + MAX_SENSORS + ": " + sensors);
        require(qos >= -1 && qos <= 2, "qos must be -1, 0, 1 or 2: " + qos);
        require(window >= 1 && window <= 0xFFFE - 64, "window must be 1..65470: " + window);
        require(messagesPerSensor >= 0, "messages per sensor must be >= 0: " + messagesPerSensor);
        require(!duration.isNegative() && !duration.isZero() && duration.compareTo(MAX_DURATION) <= 0,
                "duration must be > 0 and at most " + MAX_DURATION + ": " + duration);
        require(!warmup.isNegative() && warmup.compareTo(MAX_DURATION) <= 0, "warmup must be 0.." + MAX_DURATION);
        require(payloadSize >= Payload.HEADER_BYTES && payloadSize <= 65000,
                "payload size must be " + Payload.HEADER_BYTES + "..65000 bytes: " + payloadSize);
        require(!topicPrefix.isEmpty() && topicPrefix.indexOf('+') < 0 && topicPrefix.indexOf('#') < 0
                && !topicPrefix.endsWith("/"), "topic prefix must be non-empty, without wildcards or a trailing /: "
                + topicPrefix);
        require(!ackTimeout.isNegative() && !ackTimeout.isZero(), "ack timeout must be > 0");
        require(!drainTimeout.isNegative(), "drain timeout must be >= 0");
        require(qos != -1 || reference || (predefinedBase >= 1 && predefinedBase + sensors - 1 < 0xFFFF),
                "QoS -1 needs a predefined topic id base (1..65534, base + sensors - 1 < 65535)");
        require(!(reference && qos == -1), "the Paho reference has no QoS -1");
    }

    /** One sensor, QoS 1, window 1, 1000 messages (10 s cap), 2 s warm-up, 32-byte payloads, gateway on :1884. */
    public static LoadOptions defaults() {
        return new LoadOptions(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1884), "tcp://127.0.0.1:1883",
                1, 1, 1, 1000, Duration.ofSeconds(10), Duration.ofSeconds(2), 32, randomPrefix(),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 0, false, RetryPolicy.none());
    }

    /** {@code sngw-load/<8 hex digits>}: one run's topics never mix with another's. */
    public static String randomPrefix() {
        return "sngw-load/" + Integer.toHexString(ThreadLocalRandom.current().nextInt() | 0x10000000);
    }

    public LoadOptions withGateway(InetSocketAddress v) {
        return new LoadOptions(v, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withBrokerUrl(String v) {
        return new LoadOptions(gateway, v, sensors, qos, window, messagesPerSensor, duration, warmup, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withSensors(int v) {
        return new LoadOptions(gateway, brokerUrl, v, qos, window, messagesPerSensor, duration, warmup, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withQos(int v) {
        return new LoadOptions(gateway, brokerUrl, sensors, v, window, messagesPerSensor, duration, warmup, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withWindow(int v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, v, messagesPerSensor, duration, warmup, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withMessagesPerSensor(long v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, v, duration, warmup, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withDuration(Duration v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, v, warmup, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withWarmup(Duration v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, v, payloadSize,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withPayloadSize(int v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup, v,
                topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withTopicPrefix(String v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup,
                payloadSize, v, ackTimeout, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withAckTimeout(Duration v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup,
                payloadSize, topicPrefix, v, drainTimeout, predefinedBase, reference, retry);
    }

    public LoadOptions withDrainTimeout(Duration v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup,
                payloadSize, topicPrefix, ackTimeout, v, predefinedBase, reference, retry);
    }

    public LoadOptions withPredefinedBase(int v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup,
                payloadSize, topicPrefix, ackTimeout, drainTimeout, v, reference, retry);
    }

    public LoadOptions withReference(boolean v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup,
                payloadSize, topicPrefix, ackTimeout, drainTimeout, predefinedBase, v, retry);
    }

    public LoadOptions withRetry(RetryPolicy v) {
        return new LoadOptions(gateway, brokerUrl, sensors, qos, window, messagesPerSensor, duration, warmup,
                payloadSize, topicPrefix, ackTimeout, drainTimeout, predefinedBase, reference, v);
    }

    /**
     * How long a QoS 1/2 publish may stay unanswered before it has failed: the ack timeout, or with retries the
     * interval before each resend and one after the last.
     */
    public Duration answerTimeout() {
        return retry.enabled() ? retry.interval().multipliedBy(retry.maxRetries() + 1L) : ackTimeout;
    }

    /** The topic sensor {@code index} publishes to. */
    public String topicOf(int index) {
        return topicPrefix + "/" + index;
    }

    /** A one-line description of the scenario, for reports. */
    public String describe() {
        String count = messagesPerSensor > 0 ? messagesPerSensor + " msgs/sensor (cap " + seconds(duration) + ")"
                : seconds(duration);
        return (reference ? "Paho->broker" : "MQTT-SN->gateway") + " sensors=" + sensors + " qos=" + qos
                + (qos >= 1 ? " window=" + window : "") + " " + count + " warmup=" + seconds(warmup)
                + " payload=" + payloadSize + "B" + (retry.enabled() ? " retry=" + retry.interval().toMillis() + "ms x"
                + retry.maxRetries() : "");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static boolean isLoopbackUrl(String url) {
        try {
            URI uri = new URI(url);
            if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
                return false;
            }
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (!host.equals("localhost") && !host.matches("[0-9.]+") && host.indexOf(':') < 0) {
                return false; // an IP literal or localhost only: no name resolution deciding where load goes
            }
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port} into a resolved address (IP literals and localhost only). */
    static InetSocketAddress parseHostPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT: " + value);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(value.substring(colon + 1));
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host: " + host, e);
        }
    }
}
