package io.sngw.deploy;

import io.sngw.deploy.gpio.GpioSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and checks the {@code gpio:} section ({@link GpioSettings}); each rejection names the key, the value and what
 * was expected. Checking never touches GPIO: a configuration for a Pi checks on any machine.
 */
final class GpioKeys {

    static final List<String> KEYS = List.of("provider", "status-led", "activity-led", "pairing-button",
            "pairing-button-pull", "pairing-button-active-low", "pairing-hold", "radio-reset", "radio-reset-pulse",
            "radio-reset-active-low");
    static final Duration DEFAULT_HOLD = Duration.ofSeconds(3);
    static final Duration DEFAULT_RESET_PULSE = Duration.ofMillis(100);
    private static final String PIN_EXPECTED = "null or a GPIO line number 0.." + GpioSettings.MAX_LINE
            + " (BCM numbering on a Raspberry Pi)";

    private GpioKeys() {
    }

    static GpioSettings read(ConfigSection s) throws ConfigException {
        List<String> providers = Arrays.stream(GpioSettings.Provider.values()).map(GpioSettings.Provider::configName)
                .toList();
        String providerName = s.choice("provider", GpioSettings.Provider.AUTO.configName(), providers);
        GpioSettings.Provider provider = Arrays.stream(GpioSettings.Provider.values())
                .filter(p -> p.configName().equals(providerName)).findFirst().orElseThrow();
        Map<Integer, String> keyByPin = new HashMap<>();
        Integer status = pin(s, "status-led", keyByPin);
        Integer activity = pin(s, "activity-led", keyByPin);
        Integer buttonPin = pin(s, "pairing-button", keyByPin);
        Integer resetPin = pin(s, "radio-reset", keyByPin);

        requirePin(s, buttonPin, "pairing-button", "pairing-button-pull", "pairing-button-active-low", "pairing-hold");
        List<String> pulls = Arrays.stream(GpioSettings.Pull.values()).map(GpioSettings.Pull::configName).toList();
        String pullName = s.choice("pairing-button-pull", GpioSettings.Pull.UP.configName(), pulls);
        GpioSettings.Pull pull = Arrays.stream(GpioSettings.Pull.values())
                .filter(p -> p.configName().equals(pullName)).findFirst().orElseThrow();
        boolean activeLow = s.bool("pairing-button-active-low", true);
        Duration hold = s.duration("pairing-hold", DEFAULT_HOLD, Duration.ofMillis(500), Duration.ofSeconds(60), false,
                "");
        GpioSettings.Button button = buttonPin == null ? null
                : new GpioSettings.Button(buttonPin, pull, activeLow, hold);

        requirePin(s, resetPin, "radio-reset", "radio-reset-pulse", "radio-reset-active-low");
        Duration pulse = s.duration("radio-reset-pulse", DEFAULT_RESET_PULSE, Duration.ofMillis(1),
                Duration.ofSeconds(10), false, "");
        boolean resetActiveLow = s.bool("radio-reset-active-low", true);
        GpioSettings.ResetLine reset = resetPin == null ? null
                : new GpioSettings.ResetLine(resetPin, pulse, resetActiveLow);
        return new GpioSettings(provider, status, activity, button, reset);
    }

    private static Integer pin(ConfigSection s, String key, Map<Integer, String> keyByPin) throws ConfigException {
        if (s.raw(key) == null) {
            return null;
        }
        int pin = ConfigSection.toInt(s.pathOf(key), s.raw(key), 0, GpioSettings.MAX_LINE, PIN_EXPECTED);
        String other = keyByPin.putIfAbsent(pin, s.pathOf(key));
        if (other != null) {
            throw ConfigException.invalid(s.pathOf(key), pin, "a GPIO line not already given to " + other);
        }
        return pin;
    }

    /** Settings of a pin that is not configured are a mistake (a pin commented out, or misspelt), not ignored. */
    private static void requirePin(ConfigSection s, Integer pin, String pinKey, String... keys) throws ConfigException {
        if (pin != null) {
            return;
        }
        for (String key : keys) {
            if (s.has(key)) {
                throw ConfigException.invalid(s.pathOf(key), s.raw(key),
                        s.pathOf(pinKey) + " to go with it (no such pin is configured)");
            }
        }
    }
}
