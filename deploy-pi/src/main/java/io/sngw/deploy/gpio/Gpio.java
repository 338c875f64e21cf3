package io.sngw.deploy.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.GpioDPlugin;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.Mock;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.sngw.deploy.Durations;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The appliance's GPIO: the status and activity LEDs, the pairing button and the radio reset line of
 * {@link GpioSettings}, through Pi4J 2. {@link #open} takes the pins and pulses the radio reset; {@link #watch} starts
 * the LEDs and the button once the gateway runs. Where there is no GPIO (no /dev/gpiochip*, or the provider cannot
 * load) it logs one line and is {@link #NONE}: the gateway runs without it.
 *
 * <p>The Pi4J context is built by hand with only the chosen provider, never by ServiceLoader discovery, and without
 * Pi4J's shutdown hook: the gateway closes it, after its own last write to the LEDs.
 */
public final class Gpio implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Gpio.class.getName());

    /** Pi4J ids of the pins, e.g. for {@code context().io(STATUS_LED)}. */
    public static final String STATUS_LED = "sngw-status-led";
    public static final String ACTIVITY_LED = "sngw-activity-led";
    public static final String PAIRING_BUTTON = "sngw-pairing-button";
    public static final String RADIO_RESET = "sngw-radio-reset";

    /** No GPIO: watching and closing do nothing. */
    public static final Gpio NONE = new Gpio(null, null, null, null, null);

    private final Context context;
    private final DigitalOutput statusLed;
    private final DigitalOutput activityLed;
    private final DigitalInput button;
    private final GpioSettings.Button buttonSettings;
    private PanelDriver driver;

    private Gpio(Context context, DigitalOutput statusLed, DigitalOutput activityLed, DigitalInput button,
                 GpioSettings.Button buttonSettings) {
        this.context = context;
        this.statusLed = statusLed;
        this.activityLed = activityLed;
        this.button = button;
        this.buttonSettings = buttonSettings;
    }

    /** {@link #open(GpioSettings, Path, Path)} on this machine's /dev and device tree. */
    public static Gpio open(GpioSettings settings) {
        return open(settings, Path.of("/dev"), Path.of("/proc/device-tree/model"));
    }

    /**
     * Takes the configured pins (LEDs dark, the reset line idle) and pulses the radio reset line, if there is one.
     * Nothing configured: {@link #NONE}, silently. No GPIO here, or a provider that fails: {@link #NONE} and one line.
     * {@code auto} asks Pi4J only on a Raspberry Pi (its gpiod provider refuses other boards, loudly).
     *
     * @param dev   where the GPIO character devices are looked for (gpiochip*)
     * @param model the device tree's model name ("Raspberry Pi 4 Model B Rev 1.4"), read by {@code auto}
     */
    public static Gpio open(GpioSettings settings, Path dev, Path model) {
        if (!settings.any()) {
            return NONE;
        }
        GpioSettings.Provider provider = settings.provider();
        String without = ": running without the status LEDs, pairing button and radio reset";
        if (provider != GpioSettings.Provider.MOCK && !hasGpioChip(dev)) {
            LOG.log(Level.INFO, "gpio: no GPIO on this machine (no " + dev.resolve("gpiochip*") + ")" + without);
            return NONE;
        }
        if (provider == GpioSettings.Provider.AUTO && !isRaspberryPi(model)) {
            LOG.log(Level.INFO, "gpio: not a Raspberry Pi (" + model + " does not say so; gpio.provider: gpiod tries"
                    + " anyway)" + without);
            return NONE;
        }
        Context context = null;
        try {
            context = newContext(provider);
            Gpio gpio = takePins(context, settings, provider);
            LOG.log(Level.INFO, describe(settings, provider));
            return gpio;
        } catch (RuntimeException | LinkageError | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Pi4J's exception says why (not a Pi, no libgpiod for this CPU, a line another program holds).
            LOG.log(Level.WARNING, "gpio: cannot use GPIO through "
                    + (provider == GpioSettings.Provider.MOCK ? "mock" : "gpiod") + " (" + e + ")" + without);
            shutdownQuietly(context);
            return NONE;
        }
    }

    private static boolean hasGpioChip(Path dev) {
        try (DirectoryStream<Path> chips = Files.newDirectoryStream(dev, "gpiochip*")) {
            return chips.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isRaspberryPi(Path model) {
        try {
            return Files.readString(model, StandardCharsets.ISO_8859_1).contains("Raspberry Pi");
        } catch (IOException e) {
            return false;
        }
    }

    private static Context newContext(GpioSettings.Provider provider) {
        var builder = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook();
        if (provider == GpioSettings.Provider.MOCK) {
            builder.add(MockDigitalOutputProvider.newInstance(), MockDigitalInputProvider.newInstance());
        } else {
            builder.add(GpioDDigitalOutputProvider.newInstance(), GpioDDigitalInputProvider.newInstance());
        }
        return builder.build();
    }

    private static Gpio takePins(Context context, GpioSettings s, GpioSettings.Provider provider)
            throws InterruptedException {
        boolean mock = provider == GpioSettings.Provider.MOCK;
        String out = mock ? Mock.DIGITAL_OUTPUT_PROVIDER_ID : GpioDPlugin.DIGITAL_OUTPUT_PROVIDER_ID;
        String in = mock ? Mock.DIGITAL_INPUT_PROVIDER_ID : GpioDPlugin.DIGITAL_INPUT_PROVIDER_ID;
        GpioSettings.ResetLine reset = s.radioReset();
        if (reset != null) {
            DigitalOutput line = context.create(DigitalOutput.newConfigBuilder(context).id(RADIO_RESET)
                    .address(reset.pin()).provider(out).initial(RadioReset.idle(reset.activeLow()))
                    .shutdown(RadioReset.idle(reset.activeLow())));
            RadioReset.pulse(line, reset.pulse(), reset.activeLow());
        }
        DigitalOutput status = s.statusLed() == null ? null : led(context, STATUS_LED, s.statusLed(), out);
        DigitalOutput activity = s.activityLed() == null ? null : led(context, ACTIVITY_LED, s.activityLed(), out);
        DigitalInput button = null;
        GpioSettings.Button b = s.button();
        if (b != null) {
            button = context.create(DigitalInput.newConfigBuilder(context).id(PAIRING_BUTTON).address(b.pin())
                    .provider(in).pull(switch (b.pull()) {
                        case UP -> PullResistance.PULL_UP;
                        case DOWN -> PullResistance.PULL_DOWN;
                        case NONE -> PullResistance.OFF;
                    }));
        }
        return new Gpio(context, status, activity, button, b);
    }

    private static DigitalOutput led(Context context, String id, int pin, String provider) {
        return context.create(DigitalOutput.newConfigBuilder(context).id(id).address(pin).provider(provider)
                .initial(DigitalState.LOW).shutdown(DigitalState.LOW));
    }

    private static String describe(GpioSettings s, GpioSettings.Provider provider) {
        List<String> parts = new ArrayList<>();
        if (s.statusLed() != null) {
            parts.add("status LED " + s.statusLed());
        }
        if (s.activityLed() != null) {
            parts.add("activity LED " + s.activityLed());
        }
        if (s.button() != null) {
            parts.add("pairing button " + s.button().pin() + " (held " + Durations.format(s.button().hold()) + ")");
        }
        if (s.radioReset() != null) {
            parts.add("radio reset " + s.radioReset().pin() + " pulsed " + (s.radioReset().activeLow() ? "low" : "high")
                    + " for " + Durations.format(s.radioReset().pulse()));
        }
        return "gpio (" + (provider == GpioSettings.Provider.MOCK ? "mock: no hardware" : "gpiod") + "): "
                + String.join(", ", parts);
    }

    /** Starts the LEDs and the button on their own thread, reading the gateway through {@code signals}. */
    public synchronized void watch(GatewaySignals signals) {
        if (context == null || driver != null || (statusLed == null && activityLed == null && button == null)) {
            return;
        }
        driver = panel(signals, () -> System.nanoTime() / 1_000_000);
        driver.start();
    }

    /** The driver of these pins on {@code millis}, not started: tests tick it on a clock they advance. */
    PanelDriver panel(GatewaySignals signals, LongSupplier millis) {
        return new PanelDriver(statusLed, activityLed, button, buttonSettings, signals, millis);
    }

    /** What the status LED shows now; {@link BlinkPattern#OFF} before {@link #watch} and without GPIO. */
    public synchronized BlinkPattern statusPattern() {
        return driver == null ? BlinkPattern.OFF : driver.statusPattern();
    }

    /** Whether the pairing button is watched: configured, and seen released since start (see {@link HoldButton}). */
    public synchronized boolean pairingButtonWatched() {
        return driver != null && driver.buttonWatched();
    }

    /** The Pi4J context holding the pins (ids {@link #STATUS_LED} ...); null for {@link #NONE}. */
    public Context context() {
        return context;
    }

    /** Puts the LEDs out and releases the pins. */
    @Override
    public void close() {
        PanelDriver d;
        synchronized (this) {
            d = driver;
            driver = null;
        }
        if (d != null) {
            d.close();
        }
        shutdownQuietly(context);
    }

    private static void shutdownQuietly(Context context) {
        if (context == null) {
            return;
        }
        try {
            context.shutdown();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "gpio: Pi4J shutdown failed", e);
        }
    }
}
