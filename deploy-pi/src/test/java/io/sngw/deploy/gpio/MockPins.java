package io.sngw.deploy.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;

import java.time.Duration;

/** The pins of a {@link Gpio} opened on Pi4J's mock provider, as a test reads and presses them. */
final class MockPins {
    static final int STATUS = 17;
    static final int ACTIVITY = 27;
    static final int BUTTON = 22;
    static final int RESET = 23;

    private final Context context;

    MockPins(Gpio gpio) {
        this.context = gpio.context();
    }

    /** Every pin on the mock provider: LEDs, the button (pull-up, active low, held {@code hold}) and the reset line. */
    static GpioSettings settings(Duration hold) {
        return new GpioSettings(GpioSettings.Provider.MOCK, STATUS, ACTIVITY,
                new GpioSettings.Button(BUTTON, GpioSettings.Pull.UP, true, hold),
                new GpioSettings.ResetLine(RESET, Duration.ofMillis(5), true));
    }

    boolean statusLit() {
        return context.<DigitalOutput>io(Gpio.STATUS_LED).isOn();
    }

    boolean activityLit() {
        return context.<DigitalOutput>io(Gpio.ACTIVITY_LED).isOn();
    }

    DigitalState resetLine() {
        return context.<DigitalOutput>io(Gpio.RADIO_RESET).state();
    }

    /** The button to ground with a pull-up: pressed reads low. */
    void press() {
        context.<MockDigitalInput>io(Gpio.PAIRING_BUTTON).mockState(DigitalState.LOW);
    }

    void release() {
        context.<MockDigitalInput>io(Gpio.PAIRING_BUTTON).mockState(DigitalState.HIGH);
    }
}
