package io.sngw.deploy;

import io.sngw.deploy.gpio.GpioSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code gpio:} section: off by default, every key read, and each mistake named with its key and value. */
class GpioConfigTest {

    private static GpioSettings gpio(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml).gpio();
    }

    private static String fails(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml)).getMessage();
    }

    @Test
    void withoutAGpioSectionNoPinIsUsed() throws Exception {
        assertEquals(GpioSettings.OFF, gpio(""));
        assertEquals(GpioSettings.OFF, gpio("gpio: {}"));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        GpioSettings s = gpio("""
                gpio:
                  provider: gpiod
                  status-led: 17
                  activity-led: 27
                  pairing-button: 22
                  pairing-button-pull: down
                  pairing-button-active-low: false
                  pairing-hold: 5s
                  radio-reset: 23
                  radio-reset-pulse: 250ms
                  radio-reset-active-low: false
                """);

        assertEquals(new GpioSettings(GpioSettings.Provider.GPIOD, 17, 27,
                new GpioSettings.Button(22, GpioSettings.Pull.DOWN, false, Duration.ofSeconds(5)),
                new GpioSettings.ResetLine(23, Duration.ofMillis(250), false)), s);
    }

    @Test
    void aButtonAndAResetLineTakeTheUsualWiringByDefault() throws Exception {
        GpioSettings s = gpio("gpio: { pairing-button: 22, radio-reset: 23 }");

        assertEquals(GpioSettings.Provider.AUTO, s.provider());
        assertEquals(new GpioSettings.Button(22, GpioSettings.Pull.UP, true, Duration.ofSeconds(3)), s.button());
        assertEquals(new GpioSettings.ResetLine(23, Duration.ofMillis(100), true), s.radioReset());
    }

    @Test
    void aPinIsALineNumberOfTheHeader() {
        assertEquals("gpio.status-led: 60 is not valid: expected null or a GPIO line number 0..57 (BCM numbering on a"
                + " Raspberry Pi)", fails("gpio: { status-led: 60 }"));
        assertEquals("gpio.activity-led: \"GPIO17\" is not valid: expected null or a GPIO line number 0..57 (BCM"
                + " numbering on a Raspberry Pi)", fails("gpio: { activity-led: GPIO17 }"));
    }

    @Test
    void twoRolesCannotShareALine() {
        assertEquals("gpio.pairing-button: 17 is not valid: expected a GPIO line not already given to gpio.status-led",
                fails("gpio: { status-led: 17, pairing-button: 17 }"));
    }

    @Test
    void theProviderIsOneOfThoseThatExist() {
        assertEquals("gpio.provider: \"raspberrypi\" is not valid: expected one of auto, gpiod, mock",
                fails("gpio: { provider: raspberrypi }"));
    }

    @Test
    void aSettingOfAPinThatIsNotConfiguredIsAMistake() {
        assertEquals("gpio.pairing-hold: \"5s\" is not valid: expected gpio.pairing-button to go with it (no such pin"
                + " is configured)", fails("gpio: { pairing-hold: 5s }"));
        assertEquals("gpio.radio-reset-pulse: \"1s\" is not valid: expected gpio.radio-reset to go with it (no such"
                + " pin is configured)", fails("gpio: { radio-reset-pulse: 1s }"));
    }

    @Test
    void theHoldAndThePulseAreBounded() {
        assertEquals("gpio.pairing-hold: \"100ms\" is not valid: expected a duration such as 500ms, 10s, 15m, 2h or 1d,"
                + " 500ms..1m", fails("gpio: { pairing-button: 22, pairing-hold: 100ms }"));
        assertEquals("gpio.radio-reset-pulse: \"1m\" is not valid: expected a duration such as 500ms, 10s, 15m, 2h or"
                + " 1d, 1ms..10s", fails("gpio: { radio-reset: 23, radio-reset-pulse: 1m }"));
    }

    @Test
    void anUnknownKeyIsNamed() {
        assertEquals("gpio.status_led: unknown key; expected one of: provider, status-led, activity-led, pairing-button,"
                + " pairing-button-pull, pairing-button-active-low, pairing-hold, radio-reset, radio-reset-pulse,"
                + " radio-reset-active-low", fails("gpio: { status_led: 17 }"));
    }
}
