package io.sngw.deploy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofMinutes(15), Durations.parse("15m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
        assertEquals(Duration.ofSeconds(3), Durations.parse(" 3 s "));
    }

    @Test
    void refusesWhatIsNotOneNumberAndOneUnit() {
        for (String bad : new String[] {"", "10", "s", "-1s", "1.5s", "1h30m", "10 sec", "10S", "PT10S"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
    }

    @Test
    void formatsTheShortestExactSpelling() {
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("15m", Durations.format(Duration.ofMinutes(15)));
        assertEquals("2h", Durations.format(Duration.ofHours(2)));
        assertEquals("1d", Durations.format(Duration.ofDays(1)));
    }
}
