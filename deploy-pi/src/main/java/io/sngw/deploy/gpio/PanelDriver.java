package io.sngw.deploy.gpio;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.sngw.core.linksec.PairingWindows;
import io.sngw.deploy.Durations;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Drives the LEDs and watches the pairing button on a thread of its own: every {@link #TICK_MILLIS} it draws the LEDs'
 * patterns and samples the button; every {@link #SAMPLE_MILLIS} it reads the gateway's state through
 * {@link GatewaySignals}. Everything time-dependent reads the clock given to it, so a test advances that clock and
 * calls {@link #tick()} itself instead of starting the thread. Pins are written only when their level changes.
 */
final class PanelDriver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PanelDriver.class.getName());

    static final long TICK_MILLIS = 25;
    static final long SAMPLE_MILLIS = 200;
    /** How long the button's window stays open: the default of {@code sngw pair --seconds}. */
    static final Duration BUTTON_WINDOW = Duration.ofSeconds(60);

    private final DigitalOutput statusLed;
    private final DigitalOutput activityLed;
    private final DigitalInput button;
    private final boolean buttonActiveLow;
    private final GatewaySignals signals;
    private final LongSupplier millis;
    private final long epoch;
    private final ActivityBlink activity = new ActivityBlink();
    private final HoldButton hold;

    private ScheduledExecutorService thread;
    private long lastSample = Long.MIN_VALUE;
    private GatewayState state = new GatewayState(false, false, false);
    private boolean toldNothingToPair;
    private boolean failing;

    /**
     * @param statusLed   null for none
     * @param activityLed null for none
     * @param button      null for none
     * @param millis      a monotonic clock in milliseconds
     */
    PanelDriver(DigitalOutput statusLed, DigitalOutput activityLed, DigitalInput button, GpioSettings.Button settings,
                GatewaySignals signals, LongSupplier millis) {
        this.statusLed = statusLed;
        this.activityLed = activityLed;
        this.button = button;
        this.buttonActiveLow = settings == null || settings.activeLow();
        this.hold = new HoldButton(settings == null ? Long.MAX_VALUE : settings.hold().toMillis());
        this.signals = signals;
        this.millis = millis;
        this.epoch = millis.getAsLong();
    }

    /** Ticks on a daemon thread of its own until {@link #close()}. */
    synchronized void start() {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sngw-gpio");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleAtFixedRate(this::tickSafely, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            tick();
            failing = false;
        } catch (RuntimeException e) {
            // A pin that fails now (a line taken away, a store that cannot be written) is said once, not every tick.
            if (!failing) {
                LOG.log(Level.WARNING, "gpio: " + e, e);
            }
            failing = true;
        }
    }

    /** One step: the gateway's state when a sample is due, the LEDs' levels now, one sample of the button. */
    synchronized void tick() {
        long now = millis.getAsLong();
        if (lastSample == Long.MIN_VALUE || now - lastSample >= SAMPLE_MILLIS) {
            lastSample = now;
            state = signals.sample();
            activity.observe(signals.traffic().getAsLong(), now);
        }
        set(statusLed, state.statusPattern().litAt(now - epoch));
        set(activityLed, activity.litAt(now));
        if (button != null && hold.sample(button.state() == (buttonActiveLow ? DigitalState.LOW : DigitalState.HIGH), now)) {
            openPairingWindow();
        }
    }

    /**
     * Whether the pairing button is watched: found released at least once since start (a button pressed from the
     * start — stuck, or wired for the other polarity — opens nothing until then).
     */
    synchronized boolean buttonWatched() {
        return button != null && hold.armed();
    }

    /** The status LED's pattern for the last sampled state. */
    synchronized BlinkPattern statusPattern() {
        return state.statusPattern();
    }

    private static void set(DigitalOutput led, boolean lit) {
        if (led != null && led.isOn() != lit) {
            led.state(lit ? DigitalState.HIGH : DigitalState.LOW);
        }
    }

    private void openPairingWindow() {
        PairingWindows windows = signals.pairing().get();
        if (windows == null) {
            if (!toldNothingToPair) {
                toldNothingToPair = true;
                LOG.log(Level.INFO, "pairing button held, but no link has link-security (udp.link-security,"
                        + " serial[].link-security): there is nothing to pair");
            }
            return;
        }
        windows.open(BUTTON_WINDOW, Optional.empty(), Optional.empty(), OptionalLong.empty());
        // The next sample shows the window on the status LED at once, not up to SAMPLE_MILLIS later.
        lastSample = Long.MIN_VALUE;
        LOG.log(Level.INFO, "pairing window open for " + Durations.format(BUTTON_WINDOW) + " (pairing button)"
                + (signals.allowWithoutInstallCode() ? "" : "; it has no install code, so it pairs nothing unless"
                + " pairing.allow-without-install-code is true (sngw pair --install-code CODE pairs with one)"));
    }

    /** Stops the thread and puts the LEDs out. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.shutdown();
            try {
                t.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            set(statusLed, false);
            set(activityLed, false);
        }
    }
}
