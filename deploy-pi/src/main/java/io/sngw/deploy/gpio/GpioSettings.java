package io.sngw.deploy.gpio;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code gpio:} the appliance's LEDs, pairing button and radio reset line, by GPIO line number (BCM numbering on a
 * Raspberry Pi). Every pin is optional and none is set by default: then nothing touches GPIO, so a machine without
 * it needs nothing.
 *
 * @param provider    how the pins are reached
 * @param statusLed   the status LED's line, or null for none
 * @param activityLed the activity LED's line, or null for none
 * @param button      the pairing button, or null for none
 * @param radioReset  the radio's reset line, pulsed once at start, or null for none
 */
public record GpioSettings(Provider provider, Integer statusLed, Integer activityLed, Button button,
                           ResetLine radioReset) {

    /** The highest line number accepted: the Pi 5's RP1 has 54 lines (0..53), earlier Pis 54 or 58. */
    public static final int MAX_LINE = 57;

    /** No pin: GPIO is not touched. */
    public static final GpioSettings OFF = new GpioSettings(Provider.AUTO, null, null, null, null);

    public GpioSettings {
        Objects.requireNonNull(provider, "provider");
    }

    /** Whether any pin is configured (otherwise the gateway leaves GPIO alone and says nothing about it). */
    public boolean any() {
        return statusLed != null || activityLed != null || button != null || radioReset != null;
    }

    /** {@code gpio.provider}: where the pins are. */
    public enum Provider {
        /** gpiod where a GPIO character device (/dev/gpiochipN) exists; without one, no GPIO (one log line). */
        AUTO("auto"),
        /** Pi4J's gpiod plugin: the Pi's pins through /dev/gpiochipN (libgpiod, bundled for armhf and aarch64). */
        GPIOD("gpiod"),
        /** Pi4J's mock plugin: pins in memory, for tests and for trying a configuration off a Pi. */
        MOCK("mock");

        private final String configName;

        Provider(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /**
     * {@code gpio.pairing-button*}: held for {@code hold} it opens a pairing window.
     *
     * @param pin       its line
     * @param pull      the line's bias: {@code up} for a button to ground (the usual wiring), {@code down} to 3.3 V
     * @param activeLow pressed reads low (a button to ground with a pull-up)
     * @param hold      how long it must be held
     */
    public record Button(int pin, Pull pull, boolean activeLow, Duration hold) {
        public Button {
            Objects.requireNonNull(pull, "pull");
            Objects.requireNonNull(hold, "hold");
        }
    }

    /** A line's bias resistor. */
    public enum Pull {
        UP("up"), DOWN("down"), NONE("none");

        private final String configName;

        Pull(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /**
     * {@code gpio.radio-reset*}: the radio module's reset input, held active for {@code pulse} once at start.
     *
     * @param activeLow the module resets while the line is low (XBee's RESET and most radios'), so it idles high
     */
    public record ResetLine(int pin, Duration pulse, boolean activeLow) {
        public ResetLine {
            Objects.requireNonNull(pulse, "pulse");
        }
    }
}
