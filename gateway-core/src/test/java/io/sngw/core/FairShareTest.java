package io.sngw.core;

import io.sngw.core.GatewayMetrics.Counter;
import io.sngw.core.link.LinkAddress;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each source's fair share, in a time the test moves (a window is {@value FairShare#WINDOW_MILLIS} ms). */
class FairShareTest {
    /** 1,000 datagrams a second: a floor of 100 per window. */
    private static final int SOURCE_RATE = 1000;
    private static final int FLOOR = 100;

    private record Address(String name) implements LinkAddress {
    }

    private static final LinkAddress FLOODER = new Address("flooder");
    private static final LinkAddress SENSOR = new Address("sensor");

    private final GatewayMetrics metrics = new GatewayMetrics();
    private long now = 1_000_000_000L;
    private boolean congested;
    private final FairShare fairShare = new FairShare(SOURCE_RATE, metrics, () -> congested, () -> now);

    private int admitted(LinkAddress from, int datagrams) {
        int admitted = 0;
        for (int i = 0; i < datagrams; i++) {
            if (fairShare.admit(from)) {
                admitted++;
            }
        }
        return admitted;
    }

    private void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private void nextWindow() {
        advanceMillis(FairShare.WINDOW_MILLIS);
    }

    @Test
    void aSourceAloneIsNotLimitedWhileTheLoopsKeepUp() {
        assertEquals(10_000, admitted(FLOODER, 10_000));
        assertEquals(0, metrics.get(Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE));
    }

    @Test
    void aSourceAloneIsHeldToItsFloorWhileTheLoopsAreCongested() {
        congested = true;
        assertEquals(FLOOR, admitted(FLOODER, 10_000));
        assertEquals(10_000 - FLOOR, metrics.get(Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE));
    }

    @Test
    void beyondItsFloorASourceGetsTwiceTheOthersAverageInTheWindow() {
        assertEquals(30, admitted(SENSOR, 30));
        assertEquals(FLOOR, admitted(FLOODER, 1000), "twice the sensor's 30 is under the floor, which always holds");
        nextWindow();
        assertEquals(FLOOR, admitted(SENSOR, FLOOR));
        assertEquals(2 * FLOOR, admitted(FLOODER, 1000), "twice the sensor's admitted datagrams");
        assertEquals(FLOOR, admitted(SENSOR, FLOOR), "the sensor keeps its floor whatever the flooder does");
    }

    @Test
    void othersSilentInThisWindowButSeenRecentlyStillHoldAFlooderToItsFloor() {
        admitted(SENSOR, 1);
        admitted(FLOODER, 1);
        for (int i = 0; i < 10; i++) {
            nextWindow();
            assertEquals(FLOOR, admitted(FLOODER, 10_000), "window " + i + ": the sensor was seen "
                    + (i + 1) * FairShare.WINDOW_MILLIS + " ms ago");
        }
    }

    @Test
    void othersAreForgottenAfterTheMemory() {
        admitted(SENSOR, 1);
        admitted(FLOODER, 1);
        advanceMillis(FairShare.OTHERS_MEMORY_MILLIS + FairShare.WINDOW_MILLIS);
        assertEquals(10_000, admitted(FLOODER, 10_000), "alone again: a lone busy sensor is not limited");
    }

    @Test
    void zeroTurnsFairnessOff() {
        FairShare off = new FairShare(0, metrics, () -> true, () -> now);
        admitted(SENSOR, 1);
        for (int i = 0; i < 10_000; i++) {
            off.admit(FLOODER);
        }
        assertEquals(0, metrics.get(Counter.DATAGRAMS_SHED_OVER_FAIR_SHARE));
    }
}
