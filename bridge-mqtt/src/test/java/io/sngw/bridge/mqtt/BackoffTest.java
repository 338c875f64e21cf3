package io.sngw.bridge.mqtt;

import static io.sngw.bridge.mqtt.Backoff.delayMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delayDoublesFromMinUpToMax() {
        assertEquals(500, delayMillis(500, 30_000, 0, 0));
        assertEquals(1000, delayMillis(500, 30_000, 1, 0));
        assertEquals(16_000, delayMillis(500, 30_000, 5, 0));
        assertEquals(30_000, delayMillis(500, 30_000, 6, 0));
        assertEquals(30_000, delayMillis(500, 30_000, 61, 0));
        assertEquals(30_000, delayMillis(500, 30_000, 62, 0));
    }

    @Test
    void jitterTakesAtMostAQuarterAndNeverGoesBelowMin() {
        assertEquals(22_500, delayMillis(500, 30_000, 10, 0.999_999_9), 1);
        assertEquals(750, delayMillis(500, 30_000, 1, 0.999_999_9), 1);
        assertEquals(500, delayMillis(500, 30_000, 0, 0.999_999_9));
    }

    @Test
    void hugeMinimumDoesNotOverflow() {
        long day = 86_400_000L;
        assertEquals(7 * day, delayMillis(day, 7 * day, 40, 0));
    }
}
