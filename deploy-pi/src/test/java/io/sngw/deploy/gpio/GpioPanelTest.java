package io.sngw.deploy.gpio;

import io.sngw.core.linksec.MemoryRadioKeyring;
import io.sngw.core.linksec.PairingWindow;
import io.sngw.core.linksec.PairingWindows;
import io.sngw.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LEDs and the pairing button on Pi4J's mock provider, driven tick by tick on a clock the test advances: what each
 * LED shows for each gateway state, and what holding the button does.
 */
class GpioPanelTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicBoolean connected = new AtomicBoolean(true);
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong traffic = new AtomicLong();
    private final MemoryRadioKeyring keyring = new MemoryRadioKeyring();
    private PairingWindows windows = keyring;
    private Gpio gpio;
    private MockPins pins;
    private PanelDriver panel;
    private long start;

    @BeforeEach
    void open() {
        gpio = Gpio.open(MockPins.settings(Duration.ofSeconds(3)));
        pins = new MockPins(gpio);
        pins.release();
    }

    @AfterEach
    void close() {
        gpio.close();
    }

    /** Starts the panel now; state changes show at its next sample (every 200 ms). */
    private void startPanel() {
        panel = gpio.panel(new GatewaySignals(connected::get, queued::get, traffic::get, () -> windows, true),
                clock::get);
        start = clock.get();
        panel.tick();
    }

    /** Moves the clock to {@code millis} after the panel started, ticking every 25 ms on the way as its thread would. */
    private void at(long millis) {
        while (clock.get() < start + millis) {
            clock.set(Math.min(clock.get() + PanelDriver.TICK_MILLIS, start + millis));
            panel.tick();
        }
    }

    /** The status LED at each of {@code times} (ms after the start of a pattern cycle at {@code from}). */
    private String statusFrom(long from, long... times) {
        StringBuilder lit = new StringBuilder();
        for (long t : times) {
            at(from + t);
            lit.append(pins.statusLit() ? '#' : '.');
        }
        return lit.toString();
    }

    @Test
    void theStatusLedIsSteadyWhileTheBrokerIsConnected() {
        startPanel();
        for (long t = 0; t <= 3000; t += 25) {
            at(t);
            assertTrue(pins.statusLit(), "dark at " + t + " ms");
        }
    }

    @Test
    void theStatusLedBlinksSlowlyWhileConnecting() {
        connected.set(false);
        startPanel();
        assertEquals(BlinkPattern.SLOW_BLINK, panel.statusPattern());
        assertEquals("##..#", statusFrom(0, 0, 475, 500, 975, 1000));
    }

    @Test
    void theStatusLedBlinksFastWhileMessagesWaitInTheQueue() {
        connected.set(false);
        queued.set(1);
        startPanel();
        assertEquals("#.#.#", statusFrom(0, 0, 100, 200, 300, 400));
    }

    @Test
    void withTheBrokerConnectedOnlyAQueueBeyondWhatAHealthyFlowHoldsIsABacklog() {
        queued.set(GatewaySignals.BACKLOG_WHILE_CONNECTED);
        startPanel();
        assertEquals(BlinkPattern.ON, panel.statusPattern());
        queued.set(GatewaySignals.BACKLOG_WHILE_CONNECTED + 1);
        at(1000);
        assertEquals(BlinkPattern.FAST_BLINK, panel.statusPattern());
        assertEquals("#.#.", statusFrom(1000, 0, 100, 200, 300));
    }

    @Test
    void anOpenPairingWindowShowsAsADoubleBlinkOverEveryOtherState() {
        connected.set(false);
        queued.set(5);
        keyring.open(Duration.ofMinutes(1), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.OptionalLong.empty());
        startPanel();
        assertEquals(BlinkPattern.DOUBLE_BLINK, panel.statusPattern());
        assertEquals("#.#....#", statusFrom(0, 0, 100, 200, 300, 500, 800, 975, 1000));
    }

    @Test
    void theStatusLedFollowsTheGatewayFromOneStateToTheNext() {
        startPanel();
        assertEquals(BlinkPattern.ON, panel.statusPattern());
        connected.set(false);
        at(200);
        assertEquals(BlinkPattern.SLOW_BLINK, panel.statusPattern());
        queued.set(3);
        at(400);
        assertEquals(BlinkPattern.FAST_BLINK, panel.statusPattern());
        connected.set(true);
        queued.set(0);
        at(600);
        assertEquals(BlinkPattern.ON, panel.statusPattern());
    }

    @Test
    void theActivityLedFlashesOnceWhenSensorTrafficMovesTheCounterAndStaysDarkOtherwise() {
        traffic.set(41); // traffic before the panel started is not shown
        startPanel();
        for (long t = 0; t < 1000; t += 25) {
            at(t);
            assertFalse(pins.activityLit(), "lit without traffic at " + t + " ms");
        }
        traffic.incrementAndGet();
        at(1000); // the next sample
        assertTrue(pins.activityLit());
        at(1000 + ActivityBlink.FLASH_MILLIS);
        assertFalse(pins.activityLit());
        at(2000);
        assertFalse(pins.activityLit());
    }

    @Test
    void busyTrafficMakesTheActivityLedFlickerRatherThanStayLit() {
        startPanel();
        StringBuilder seen = new StringBuilder();
        for (long t = 0; t < 1000; t += 25) {
            traffic.incrementAndGet();
            at(t);
            seen.append(pins.activityLit() ? '#' : '.');
        }
        assertTrue(seen.toString().contains("#.") && seen.toString().contains(".#"), seen.toString());
    }

    @Test
    void holdingThePairingButtonForThreeSecondsOpensOneWindowOfAMinuteAndSaysSo() {
        startPanel();
        try (LogCapture log = LogCapture.of("io.sngw.deploy.gpio", Level.INFO)) {
            pins.press(); // seen by the next tick, 25 ms on: the hold counts from there
            at(3000);
            assertTrue(keyring.openNow().isEmpty(), "opened before 3 s");
            at(3025);
            List<PairingWindow> open = keyring.openNow();
            assertEquals(1, open.size());
            assertEquals(Duration.ofSeconds(60), Duration.between(open.get(0).opened(), open.get(0).closes()));
            at(10_000); // still held: no second window
            assertEquals(1, keyring.openNow().size());
            assertEquals(List.of("pairing window open for 1m (pairing button)"), log.messages(Level.INFO));
        }
    }

    @Test
    void theWindowTheButtonOpensShowsOnTheStatusLedAtOnce() {
        startPanel();
        pins.press();
        at(3025);
        at(3050);
        assertEquals(BlinkPattern.DOUBLE_BLINK, panel.statusPattern());
    }

    @Test
    void aShortPressOpensNothing() {
        startPanel();
        pins.press();
        at(1000);
        pins.release();
        at(5000);
        assertTrue(keyring.openNow().isEmpty());
    }

    @Test
    void contactBounceDoesNotRestartTheHoldButALongerReleaseDoes() {
        startPanel();
        pins.press();
        at(2000);
        pins.release();
        at(2025); // 25 ms up: a bounce
        pins.press();
        at(3025);
        assertEquals(1, keyring.openNow().size(), "the bounce restarted the hold");

        pins.release();
        at(4000);
        pins.press();
        at(6000);
        pins.release();
        at(6100); // 100 ms up: a release
        pins.press();
        at(8000);
        assertEquals(1, keyring.openNow().size(), "two presses of 2 s each made a hold");
        at(9125);
        assertEquals(2, keyring.openNow().size(), "a second hold of 3 s opened nothing");
    }

    @Test
    void aButtonAlreadyDownWhenTheGatewayStartsActsOnlyAfterItHasBeenReleased() {
        pins.press();
        startPanel();
        at(5000);
        assertTrue(keyring.openNow().isEmpty(), "a stuck button opened a window");
        pins.release();
        at(5100);
        pins.press();
        at(8125);
        assertEquals(1, keyring.openNow().size());
    }

    @Test
    void withoutRadioLinkSecurityTheButtonSaysOnceThatThereIsNothingToPair() {
        windows = null;
        startPanel();
        try (LogCapture log = LogCapture.of("io.sngw.deploy.gpio", Level.INFO)) {
            for (int press = 0; press < 3; press++) {
                pins.press();
                at(4000L * press + 3025);
                pins.release();
                at(4000L * press + 3500);
            }
            List<String> lines = log.messages(Level.INFO);
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("nothing to pair"), lines.get(0));
        }
    }

    @Test
    void withoutPairingWithoutInstallCodeTheLineSaysTheWindowPairsNothing() {
        panel = gpio.panel(new GatewaySignals(connected::get, queued::get, traffic::get, () -> keyring, false),
                clock::get);
        start = clock.get();
        panel.tick();
        try (LogCapture log = LogCapture.of("io.sngw.deploy.gpio", Level.INFO)) {
            pins.press();
            at(3025);
            assertTrue(log.messages(Level.INFO).get(0).contains("pairs nothing unless"
                    + " pairing.allow-without-install-code is true"), log.messages(Level.INFO).toString());
        }
    }

    @Test
    void closingPutsTheLedsOut() {
        traffic.set(1);
        startPanel();
        traffic.set(2);
        at(200);
        assertTrue(pins.statusLit() && pins.activityLit());
        panel.close();
        assertFalse(pins.statusLit());
        assertFalse(pins.activityLit());
    }
}
