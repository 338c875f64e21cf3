package io.sngw.it;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.sngw.core.codec.MqttSnMessage.ConnAck;
import io.sngw.core.codec.ReturnCode;
import io.sngw.deploy.ConfigLoader;
import io.sngw.deploy.GatewayApp;
import io.sngw.deploy.gpio.BlinkPattern;
import io.sngw.deploy.gpio.Gpio;
import io.sngw.sim.client.MqttSnClient;
import io.sngw.sim.client.RadioPairingClient;
import io.sngw.sim.client.UdpClientTransport;
import io.sngw.testing.LogCapture;
import io.sngw.testing.MosquittoBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployed gateway with its LEDs and pairing button on Pi4J's mock provider, over real UDP in front of a real
 * Mosquitto: the status LED follows the broker going away and coming back and the queue filling and draining, the
 * activity LED flashes on a sensor's traffic, and holding the button opens a window a radio then pairs in.
 */
class GpioEndToEndTest {
    private static final long DEVID = 0x0013a200cafe0001L;

    @TempDir
    Path dir;

    private MosquittoBroker broker;
    private GatewayApp app;

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private GatewayApp start(String gpio) throws Exception {
        String yaml = "udp: { bind: \"127.0.0.1\", port: 0, link-security: optional }\n"
                + "upstream: { url: \"" + broker.url() + "\", client-id: \"sngw-gpio-" + System.nanoTime()
                + "\", reconnect-min: 100ms, reconnect-max: 500ms }\n"
                + "store: { dir: \"" + dir.resolve("data") + "\" }\n"
                + "pairing: { allow-without-install-code: true }\n"
                + "logging: { level: warning }\n"
                + "gpio: { " + gpio + " }\n";
        app = new GatewayApp(ConfigLoader.parse(yaml));
        app.start();
        GatewayUnderTest.await("the bridge to connect", app::brokerConnected);
        return app;
    }

    private static final String MOCK_PINS = "provider: mock, status-led: 17, activity-led: 27, pairing-button: 22,"
            + " pairing-hold: 1s, radio-reset: 23, radio-reset-pulse: 10ms";

    /** Counts the times an LED was lit, from Pi4J's state-change events. */
    private static AtomicInteger flashes(Context pi4j, String id) {
        AtomicInteger lit = new AtomicInteger();
        pi4j.<DigitalOutput>io(id).addListener(e -> {
            if (e.state() == DigitalState.HIGH) {
                lit.incrementAndGet();
            }
        });
        return lit;
    }

    /** The status LED shows {@code pattern}, and (when it blinks) has been seen lighting up again since. */
    private static void awaitShowing(Gpio gpio, BlinkPattern pattern, AtomicInteger statusFlashes) {
        GatewayUnderTest.await("the status LED to show " + pattern, () -> gpio.statusPattern() == pattern);
        int seen = statusFlashes.get();
        if (pattern != BlinkPattern.ON) {
            GatewayUnderTest.await("the status LED to blink (" + pattern + ")", () -> statusFlashes.get() >= seen + 2);
        }
    }

    @Test
    void theLedsFollowTheBrokerTheQueueAndTheSensorsTraffic() throws Exception {
        broker = MosquittoBroker.start();
        Gpio gpio = start(MOCK_PINS).gpio();
        Context pi4j = gpio.context();
        AtomicInteger status = flashes(pi4j, Gpio.STATUS_LED);
        AtomicInteger activity = flashes(pi4j, Gpio.ACTIVITY_LED);
        assertEquals(DigitalState.HIGH, pi4j.<DigitalOutput>io(Gpio.RADIO_RESET).state(),
                "the radio reset line was not released after its pulse");

        GatewayUnderTest.await("the status LED steady on", () -> gpio.statusPattern() == BlinkPattern.ON
                && pi4j.<DigitalOutput>io(Gpio.STATUS_LED).isOn());

        broker.stop();
        awaitShowing(gpio, BlinkPattern.SLOW_BLINK, status);
        assertEquals(0, activity.get(), "the activity LED flashed without sensor traffic");

        try (MqttSnClient sensor = new MqttSnClient(UdpClientTransport.open(app.udpAddress(), null),
                RadioGatewayTest.options())) {
            assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect("gpio-sensor", 60, true));
            sensor.publish("gpio/test", 1, false, "held while the broker is away".getBytes(StandardCharsets.UTF_8));
        }
        GatewayUnderTest.await("the activity LED to flash", () -> activity.get() > 0);
        awaitShowing(gpio, BlinkPattern.FAST_BLINK, status);

        broker.restart();
        GatewayUnderTest.await("the queue to drain", () -> app.counters().get("outbound.queued") == 0);
        awaitShowing(gpio, BlinkPattern.ON, status);
        GatewayUnderTest.await("the status LED lit", () -> pi4j.<DigitalOutput>io(Gpio.STATUS_LED).isOn());
    }

    @Test
    void holdingTheButtonOpensAPairingWindowThatARadioPairsIn() throws Exception {
        broker = MosquittoBroker.start();
        try (LogCapture log = LogCapture.of("io.sngw.deploy.gpio", Level.INFO)) {
            Gpio gpio = start(MOCK_PINS).gpio();
            MockDigitalInput button = gpio.context().io(Gpio.PAIRING_BUTTON);
            button.mockState(DigitalState.HIGH); // up: the pull-up
            GatewayUnderTest.await("the status LED steady on", () -> gpio.statusPattern() == BlinkPattern.ON);
            // The mock's input starts low (pressed, active low): a press counts once a release was sampled.
            GatewayUnderTest.await("the button seen released", gpio::pairingButtonWatched);
            assertTrue(app.pairingWindows().openNow().isEmpty());

            button.mockState(DigitalState.LOW); // held down
            GatewayUnderTest.await("a pairing window", () -> !app.pairingWindows().openNow().isEmpty());
            button.mockState(DigitalState.HIGH);
            GatewayUnderTest.await("the status LED to show the window",
                    () -> gpio.statusPattern() == BlinkPattern.DOUBLE_BLINK);
            assertTrue(log.messages(Level.INFO).contains("pairing window open for 1m (pairing button)"),
                    log.messages(Level.INFO).toString());

            RadioPairingClient.Paired paired = RadioPairingClient.pair(UdpClientTransport.open(app.udpAddress(), null),
                    DEVID, null, Duration.ofSeconds(10));
            assertEquals("sn-0013a200cafe0001", paired.clientId());
            assertTrue(app.radioKeys().find(DEVID).isPresent());
        }
    }

    @Test
    void onAMachineWithoutGpioTheGatewaySaysSoOnceAndRunsWithout() throws Exception {
        broker = MosquittoBroker.start();
        try (LogCapture log = LogCapture.of("io.sngw.deploy.gpio", Level.ALL)) {
            // This machine (and CI's) has no /dev/gpiochip* and is no Raspberry Pi: auto finds no GPIO.
            start("status-led: 17, activity-led: 27, pairing-button: 22");

            assertSame(Gpio.NONE, app.gpio());
            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), records.toString());
            assertTrue(records.get(0).getMessage().startsWith("gpio: no GPIO on this machine")
                    || records.get(0).getMessage().startsWith("gpio: not a Raspberry Pi"), records.get(0).getMessage());
            try (MqttSnClient sensor = new MqttSnClient(app.udpAddress(), RadioGatewayTest.options())) {
                assertEquals(new ConnAck(ReturnCode.ACCEPTED), sensor.connect("no-gpio", 60, true));
            }
        }
    }
}
