package io.sngw.deploy.gpio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status LED as a pure function: the pattern for each gateway state, and each pattern's lit phases. */
class StatusPatternTest {

    private static BlinkPattern of(boolean connected, boolean backlog, boolean pairing) {
        return new GatewayState(connected, backlog, pairing).statusPattern();
    }

    @Test
    void aPairingWindowOutranksABacklogWhichOutranksConnecting() {
        for (boolean connected : new boolean[] {false, true}) {
            for (boolean backlog : new boolean[] {false, true}) {
                assertEquals(BlinkPattern.DOUBLE_BLINK, of(connected, backlog, true));
            }
            assertEquals(BlinkPattern.FAST_BLINK, of(connected, true, false));
        }
        assertEquals(BlinkPattern.SLOW_BLINK, of(false, false, false));
        assertEquals(BlinkPattern.ON, of(true, false, false));
    }

    /** '#' lit, '.' dark, one character per 50 ms of one second. */
    private static String second(BlinkPattern pattern, long offset) {
        StringBuilder s = new StringBuilder();
        for (long t = 0; t < 1000; t += 50) {
            s.append(pattern.litAt(offset + t) ? '#' : '.');
        }
        return s.toString();
    }

    @Test
    void eachPatternRepeatsItsPhasesEverySecond() {
        assertEquals("####################", second(BlinkPattern.ON, 0));
        assertEquals("....................", second(BlinkPattern.OFF, 0));
        assertEquals("##########..........", second(BlinkPattern.SLOW_BLINK, 0));
        assertEquals("##..##..##..##..##..", second(BlinkPattern.FAST_BLINK, 0));
        assertEquals("##..##..............", second(BlinkPattern.DOUBLE_BLINK, 0));
        for (BlinkPattern p : BlinkPattern.values()) {
            assertEquals(second(p, 0), second(p, 7000), p + " at 7 s");
        }
    }
}
