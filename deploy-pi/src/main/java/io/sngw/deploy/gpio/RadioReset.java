package io.sngw.deploy.gpio;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;

import java.time.Duration;

/** The radio module's reset line: idle (not resetting) except for one pulse at start. */
final class RadioReset {

    private RadioReset() {
    }

    /** The level that holds the module in reset. */
    static DigitalState active(boolean activeLow) {
        return activeLow ? DigitalState.LOW : DigitalState.HIGH;
    }

    static DigitalState idle(boolean activeLow) {
        return activeLow ? DigitalState.HIGH : DigitalState.LOW;
    }

    /**
     * Holds the module in reset for {@code pulse}, then lets it go. Blocks the caller for the pulse: the gateway's start,
     * before its serial links open, so that the radio's first bytes after reset reach an open port.
     */
    static void pulse(DigitalOutput line, Duration pulse, boolean activeLow) throws InterruptedException {
        line.state(active(activeLow));
        try {
            Thread.sleep(pulse.toMillis());
        } finally {
            line.state(idle(activeLow));
        }
    }
}
