package io.sngw.sim.load;

import org.HdrHistogram.Histogram;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * What really arrives at the broker: one Paho subscriber on {@code <prefix>/#}, subscribed before any sensor
 * sends. It records, per sensor, which sequence numbers arrived (a second arrival is a duplicate), how many in each
 * phase, when the last measured one came, and the send-to-broker-delivery latency.
 *
 * <p>Paho calls {@link MqttCallback#messageArrived} on one thread; readers on other threads synchronize on this.
 */
final class BrokerCounter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BrokerCounter.class.getName());

    private final MqttClient client;
    private final BitSet[] seen;
    private final Histogram endToEndMicros = new Histogram(TimeUnit.HOURS.toMicros(1), 3);

    // guarded by this
    private long deliveredWarmup;
    private long deliveredMeasured;
    private long duplicates;
    private long duplicatesMeasured;
    private long foreign;
    private long lastMeasuredNanos;
    private long firstMeasuredNanos;
    private long lastArrivalNanos;
    private volatile Throwable connectionLost;

    BrokerCounter(String brokerUrl, String topicFilter, int qos, int sensors) throws MqttException {
        this.seen = new BitSet[sensors];
        for (int i = 0; i < sensors; i++) {
            seen[i] = new BitSet();
        }
        client = new MqttClient(brokerUrl, "sngw-load-counter-" + Long.toHexString(System.nanoTime()),
                new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                connectionLost = cause;
                LOG.log(System.Logger.Level.WARNING, "broker-side counter lost its connection: " + cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                count(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(60);
        options.setConnectionTimeout(10);
        options.setSocketFactory(new BufferedSocketFactory());
        client.connect(options);
        client.subscribe(topicFilter, qos); // waits for the SUBACK: nothing sent after this is missed
    }

    private void count(byte[] payload) {
        long now = System.nanoTime();
        Payload.Header h = Payload.decode(payload);
        synchronized (this) {
            lastArrivalNanos = now;
            if (h == null || h.sensor() >= seen.length) {
                foreign++;
                return;
            }
            BitSet bits = seen[h.sensor()];
            if (bits.get(h.seq())) {
                duplicates++;
                if (h.measured()) {
                    duplicatesMeasured++;
                }
                return;
            }
            bits.set(h.seq());
            if (h.measured()) {
                deliveredMeasured++;
                if (firstMeasuredNanos == 0) {
                    firstMeasuredNanos = now;
                }
                lastMeasuredNanos = now;
                endToEndMicros.recordValue(Math.max(0, Math.min((now - h.sentNanos()) / 1000,
                        endToEndMicros.getHighestTrackableValue())));
            } else {
                deliveredWarmup++;
            }
        }
    }

    synchronized long deliveredWarmup() {
        return deliveredWarmup;
    }

    synchronized long deliveredMeasured() {
        return deliveredMeasured;
    }

    synchronized long delivered() {
        return deliveredWarmup + deliveredMeasured;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long duplicatesMeasured() {
        return duplicatesMeasured;
    }

    /** Messages on the topic filter that were not ours (bad header, unknown sensor). */
    synchronized long foreign() {
        return foreign;
    }

    synchronized long firstMeasuredNanos() {
        return firstMeasuredNanos;
    }

    synchronized long lastMeasuredNanos() {
        return lastMeasuredNanos;
    }

    /** When anything last arrived, 0 if nothing has. */
    synchronized long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    /** Whether sequence number {@code seq} of sensor {@code sensor} arrived. */
    synchronized boolean arrived(int sensor, int seq) {
        return seen[sensor].get(seq);
    }

    /** A copy of the set of sequence numbers of {@code sensor} that arrived. */
    synchronized BitSet arrived(int sensor) {
        return (BitSet) seen[sensor].clone();
    }

    synchronized Histogram endToEndMicros() {
        return endToEndMicros.copy();
    }

    Throwable connectionLost() {
        return connectionLost;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2000);
            }
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "counter disconnect: " + e);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "counter close: " + e);
        }
    }
}
