package io.sngw.sim.load;

import io.sngw.core.codec.MqttSnMessage.PubAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.core.codec.TopicRef;
import io.sngw.sim.client.ClientOptions;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.SerialClientLine;
import io.sngw.transport.serial.Framing;
import io.sngw.transport.serial.SerialPortSettings;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sensor on a serial line publishing as fast as the line and the gateway take it, counted at the broker: the
 * throughput of one serial port. Not part of the test suite; figures go in reports.
 *
 * <pre>
 * java -cp sngw-sim.jar io.sngw.sim.load.SerialLoad DEVICE FRAMING QOS COUNT PAYLOAD BROKER_URL
 * e.g. ... /tmp/ttySENSOR raw 0 20000 16 tcp://127.0.0.1:1883
 * </pre>
 * QoS 1 keeps 10 publishes open (the gateway's default {@code limits.max-inflight}); refused ones are counted. With XBee framing the sensor is one radio
 * node behind the emulated module.
 */
public final class SerialLoad {
    private SerialLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: SerialLoad DEVICE raw|xbee-api1|xbee-api2 QOS COUNT PAYLOAD_BYTES BROKER_URL");
            System.exit(2);
        }
        String device = args[0];
        Framing framing = Framing.of(args[1]);
        int qos = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        byte[] payload = new byte[Integer.parseInt(args[4])];
        String topic = "bench/serial";
        AtomicLong arrived = new AtomicLong();
        AtomicLong lastArrival = new AtomicLong();
        MqttClient counter = new MqttClient(args[5], "serial-load-counter-" + ProcessHandle.current().pid(),
                new MemoryPersistence());
        counter.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String t, MqttMessage message) {
                arrived.incrementAndGet();
                lastArrival.set(System.nanoTime());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(65535);
        counter.connect(options);
        counter.subscribe(topic, 1);
        try (SerialClientLine line = SerialClientLine.open(SerialPortSettings.of(device, 115200), framing)) {
            if (!line.awaitOpen(Duration.ofSeconds(10))) {
                throw new IllegalStateException(device + " did not open");
            }
            try (MqttSnClient sensor = new MqttSnClient(framing instanceof Framing.Raw ? line.line()
                    : line.radio(0x0013A20040A1B2C3L), ClientOptions.defaults().withMaxInFlight(10))) {
                sensor.connect("serial-load", 600, true);
                TopicRef ref = new TopicRef.Registered(sensor.register(topic).topicId());
                long start = System.nanoTime();
                List<CompletableFuture<PubAck>> open = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    if (qos == 0) {
                        sensor.publishQos0(ref, false, payload);
                    } else {
                        open.add(sensor.publishAsync(ref, 1, payload));
                    }
                }
                CompletableFuture.allOf(open.toArray(CompletableFuture[]::new)).join();
                long sentNanos = System.nanoTime() - start;
                long refused = open.stream().filter(f -> f.join().returnCode() != ReturnCode.ACCEPTED).count();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (arrived.get() < count && System.nanoTime() < deadline
                        && System.nanoTime() - Math.max(lastArrival.get(), start + sentNanos) < 3_000_000_000L) {
                    Thread.sleep(20);
                }
                double seconds = ((arrived.get() > 0 ? lastArrival.get() : System.nanoTime()) - start) / 1e9;
                System.out.printf(Locale.ROOT, "%s qos %d: sent %d in %.2f s, arrived %d in %.2f s: %.0f msg/s "
                                + "delivered, refused %d, lost on the line %d%n", framing.configName(), qos, count,
                        sentNanos / 1e9, arrived.get(), seconds, arrived.get() / seconds, refused, line.lost());
                sensor.disconnect();
            }
        } finally {
            try {
                counter.disconnect();
            } catch (MqttException e) {
                // the figure is printed already
            }
            counter.close();
        }
    }
}
