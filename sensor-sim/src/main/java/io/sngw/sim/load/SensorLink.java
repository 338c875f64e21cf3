package io.sngw.sim.load;

import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.MqttSnMessage.RegAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.MqttSnClient;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** How one simulated sensor sends: MQTT-SN through the gateway, or (the reference) Paho straight to the broker. */
interface SensorLink extends AutoCloseable {

    /**
     * Sends one PUBLISH. Returns null when nothing will come back (MQTT-SN QoS 0 and -1); otherwise a future that
     * completes with true when the publish was accepted (PUBACK / PUBCOMP, or for Paho QoS 0 written out), false when
     * it was refused (a PUBACK with an error code), or exceptionally when it timed out or failed.
     *
     * @throws RuntimeException when the message could not even be sent
     */
    CompletableFuture<Boolean> publish(byte[] payload);

    /** Whether {@link #publish} returns futures (and so goes through the window). */
    boolean windowed();

    /** Says goodbye if it can do so quickly, then releases the socket. */
    @Override
    void close();

    /** A sensor speaking MQTT-SN to the gateway on its own UDP socket. */
    final class MqttSn implements SensorLink {
        private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(1);
        private static final int KEEP_ALIVE_SECONDS = 600;

        private final MqttSnClient client;
        private final int qos;
        private final TopicRef topic;
        private final boolean connected;
        private final String clientId;
        /** Announced in each DISCONNECT between messages; 0: always awake. */
        private final int sleepSeconds;

        MqttSn(LoadOptions options, int index, String clientId) {
            this(options, index, clientId, Duration.ZERO);
        }

        /** @param sleep between messages the sensor sleeps, announcing this (whole seconds, at least 1); zero: never */
        MqttSn(LoadOptions options, int index, String clientId, Duration sleep) {
            this.qos = options.qos();
            this.clientId = clientId;
            this.sleepSeconds = sleep.isZero() ? 0 : (int) Math.max(1, sleep.toSeconds());
            if (sleepSeconds > 0 && qos == -1) {
                throw new IllegalArgumentException("a QoS -1 sensor never connects, so it cannot sleep");
            }
            // The client's own window is wider than ours: the generator bounds what is outstanding (and times the
            // acknowledgement from the moment the PUBLISH goes out), the client must never block on top of it.
            // With retries (--retry) CONNECT, REGISTER and QoS 1/2 PUBLISHes are resent as a real sensor resends them.
            ClientOptions clientOptions = ClientOptions.defaults()
                    .withTimeout(options.ackTimeout())
                    .withRetry(options.retry())
                    .withMaxInFlight(Math.min(options.window() + 64, 0xFFFE));
            MqttSnClient c = new MqttSnClient(options.gateway(), clientOptions);
            try {
                if (qos == -1) {
                    topic = new TopicRef.Predefined(options.predefinedBase() + index);
                    connected = false;
                } else {
                    ConnAck connAck = c.connect(clientId, KEEP_ALIVE_SECONDS, true);
                    if (connAck.returnCode() != ReturnCode.ACCEPTED) {
                        throw new IllegalStateException("sensor " + index + ": CONNECT refused: " + connAck.returnCode());
                    }
                    connected = true;
                    RegAck regAck = c.register(options.topicOf(index));
                    if (regAck.returnCode() != ReturnCode.ACCEPTED) {
                        throw new IllegalStateException("sensor " + index + ": REGISTER of " + options.topicOf(index)
                                + " refused: " + regAck.returnCode());
                    }
                    topic = new TopicRef.Registered(regAck.topicId());
                    if (sleepSeconds > 0) {
                        c.sleep(sleepSeconds); // asleep until its first message is due
                    }
                }
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
            this.client = c;
        }

        @Override
        public CompletableFuture<Boolean> publish(byte[] payload) {
            if (sleepSeconds > 0) {
                return publishAwake(payload);
            }
            switch (qos) {
                case -1 -> {
                    client.publishWithoutConnection(topic, payload);
                    return null;
                }
                case 0 -> {
                    client.publishQos0(topic, false, payload);
                    return null;
                }
                default -> {
                    return client.publishAsync(topic, qos, payload)
                            .thenApply(ack -> ack.returnCode() == ReturnCode.ACCEPTED);
                }
            }
        }

        /**
         * A battery sensor's cycle: wake with CONNECT (clean session off: the gateway kept the session and its topic
         * id), publish and wait for the answer, sleep again (DISCONNECT with the duration).
         */
        private CompletableFuture<Boolean> publishAwake(byte[] payload) {
            ConnAck connAck = client.connect(clientId, KEEP_ALIVE_SECONDS, false);
            if (connAck.returnCode() != ReturnCode.ACCEPTED) {
                throw new IllegalStateException("wake-up CONNECT refused: " + connAck.returnCode());
            }
            CompletableFuture<Boolean> answer = null;
            if (qos == 0) {
                client.publishQos0(topic, false, payload);
            } else {
                answer = client.publishAsync(topic, qos, payload)
                        .thenApply(ack -> ack.returnCode() == ReturnCode.ACCEPTED);
                answer.handle((ok, failure) -> null).join();
            }
            client.sleep(sleepSeconds);
            return answer;
        }

        @Override
        public boolean windowed() {
            return qos >= 1;
        }

        /** DISCONNECT (1 s at most); false when it got no answer. */
        boolean disconnect() {
            if (!connected) {
                return true;
            }
            try {
                client.setTimeout(GOODBYE_TIMEOUT);
                client.disconnect();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** The reference: a Paho client publishing straight to the broker, no gateway in the path. */
    final class Paho implements SensorLink {
        /** QoS 0 writes outstanding per Paho client: bounds Paho's queue, nothing is acknowledged. */
        static final int QOS0_WINDOW = 1000;

        private final MqttAsyncClient client;
        private final String topic;
        private final int qos;

        Paho(LoadOptions options, int index, String clientId) {
            this.qos = options.qos();
            this.topic = options.topicOf(index);
            try {
                client = new MqttAsyncClient(options.brokerUrl(), clientId, new MemoryPersistence());
                MqttConnectOptions connect = new MqttConnectOptions();
                connect.setCleanSession(true);
                connect.setAutomaticReconnect(false);
                connect.setKeepAliveInterval(600);
                connect.setMaxInflight(Math.min(65535, (qos == 0 ? QOS0_WINDOW : options.window()) + 64));
                client.connect(connect).waitForCompletion(10_000);
            } catch (MqttException e) {
                throw new IllegalStateException("reference publisher " + index + " cannot connect: " + e, e);
            }
        }

        @Override
        public CompletableFuture<Boolean> publish(byte[] payload) {
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            MqttMessage message = new MqttMessage(payload);
            message.setQos(qos);
            try {
                client.publish(topic, message, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        done.complete(true);
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable failure) {
                        done.completeExceptionally(failure);
                    }
                });
            } catch (MqttException e) {
                throw new IllegalStateException("Paho publish failed: " + e, e);
            }
            return done;
        }

        @Override
        public boolean windowed() {
            return true;
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000).waitForCompletion(2000);
                }
            } catch (MqttException ignored) {
                // best effort
            }
            try {
                client.close();
            } catch (MqttException ignored) {
                // best effort
            }
        }
    }
}
