package io.sngw.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * An independent MQTT 3.1.1 client (Eclipse Paho) that sees what really arrives at, and comes from, a broker. Clean
 * session and no automatic reconnect unless made {@link #persistent}; in-memory persistence. Thread-safe: Paho
 * serialises client calls, and received messages are kept under their own lock.
 *
 * <p>Paho calls its callback once per PUBLISH packet it receives, so duplicates from the broker stay visible.
 */
public final class BrokerProbe implements AutoCloseable {

    private static final int TIMEOUT_SECONDS = 10;

    private final MqttClient client;
    private final Object lock = new Object();
    private final List<ProbeMessage> received = new ArrayList<>();
    private volatile Throwable connectionLost;

    /** Connects to {@code url} (for example {@link MosquittoBroker#url()}) with a random client id. */
    public BrokerProbe(String url) {
        this(url, "probe-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public BrokerProbe(String url, String clientId) {
        this(url, clientId, true);
    }

    /**
     * A probe whose subscriptions outlive its connection (CleanSession=false) and that reconnects by itself: with a
     * broker that persists sessions, it sees every QoS 1/2 message published while the broker was restarting.
     */
    public static BrokerProbe persistent(String url, String clientId) {
        return new BrokerProbe(url, clientId, false);
    }

    private BrokerProbe(String url, String clientId, boolean cleanSession) {
        try {
            client = new MqttClient(url, clientId, new MemoryPersistence());
            client.setTimeToWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    connectionLost = cause;
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    ProbeMessage m = new ProbeMessage(topic, message.getPayload(), message.getQos(),
                            message.isRetained(), message.isDuplicate());
                    synchronized (lock) {
                        received.add(m);
                        lock.notifyAll();
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(cleanSession);
            options.setAutomaticReconnect(!cleanSession);
            options.setConnectionTimeout(TIMEOUT_SECONDS);
            options.setKeepAliveInterval(30);
            options.setMaxInflight(1000);
            client.connect(options);
        } catch (MqttException e) {
            throw new IllegalStateException("probe cannot connect to " + url + ": " + e, e);
        }
    }

    /** Subscribes and waits for the SUBACK; returns the granted QoS (128 when the broker refused). */
    public int subscribe(String filter, int qos) {
        try {
            IMqttToken token = client.subscribeWithResponse(filter, qos);
            token.waitForCompletion();
            int[] granted = token.getGrantedQos();
            return granted == null || granted.length == 0 ? qos : granted[0];
        } catch (MqttException e) {
            throw new IllegalStateException("probe cannot subscribe to " + filter + ": " + e, e);
        }
    }

    public void unsubscribe(String filter) {
        try {
            client.unsubscribe(filter);
        } catch (MqttException e) {
            throw new IllegalStateException("probe cannot unsubscribe from " + filter + ": " + e, e);
        }
    }

    /** Publishes and, for QoS 1/2, waits until the broker completed the flow. */
    public void publish(String topic, byte[] payload, int qos, boolean retain) {
        try {
            client.publish(topic, payload, qos, retain);
        } catch (MqttException e) {
            throw new IllegalStateException("probe cannot publish to " + topic + ": " + e, e);
        }
    }

    public void publish(String topic, String payload, int qos, boolean retain) {
        publish(topic, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), qos, retain);
    }

    /** Removes the retained message of {@code topic} at the broker (an empty retained publish at QoS 1). */
    public void clearRetained(String topic) {
        publish(topic, new byte[0], 1, true);
    }

    /**
     * Waits until at least {@code n} messages have arrived in total (since the start or the last {@link #clear()})
     * and returns all of them in arrival order (possibly more than {@code n}).
     *
     * @throws ProbeTimeoutException listing what did arrive, when fewer than {@code n} arrived within the timeout
     */
    public List<ProbeMessage> awaitMessages(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (received.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ProbeTimeoutException("expected " + n + " message(s) within " + timeout.toMillis()
                            + " ms, got " + received.size() + ": " + received
                            + (connectionLost != null ? "; probe connection lost: " + connectionLost : ""));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for messages", e);
                }
            }
            return List.copyOf(received);
        }
    }

    /** A snapshot of all messages received so far, in arrival order. */
    public List<ProbeMessage> messages() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    /** Forgets the messages received so far. */
    public void clear() {
        synchronized (lock) {
            received.clear();
        }
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException ignored) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // best effort
        }
    }
}
