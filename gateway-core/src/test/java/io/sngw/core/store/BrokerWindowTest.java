package io.sngw.core.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The window of messages awaiting the broker shrinks while they would only wait inside it, and only then. */
class BrokerWindowTest {
    private static final long MS = 1_000_000L;
    private static final long WRITE_DELAY = 20 * MS;

    private long now;

    /** One round: a window's worth of acknowledgements, each after {@code latency}: a standing queue, or none. */
    private void round(BrokerWindow window, long latency, boolean waiting) {
        int acks = Math.max(16, window.size());
        for (int i = 0; i < acks; i++) {
            now += MS / 10;
            window.acknowledged(latency, waiting, now);
        }
    }

    @Test
    void theWholeConfiguredWindowIsUsedAtFirst() {
        assertEquals(1000, new BrokerWindow(1000, WRITE_DELAY).size());
    }

    @Test
    void aRoundAnsweredLaterThanAQuarterOfTheWriteDelayShrinksTheWindowByAQuarter() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, MS / 2, true); // a fast answer first: the broker is near
        round(window, 55 * MS, true);
        assertEquals(750, window.size());
        round(window, 40 * MS, true);
        assertEquals(563, window.size());
    }

    @Test
    void aRoundWithSomeAnswersWithinAQuarterOfTheWriteDelayDoesNotShrinkIt() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, MS / 2, true);
        int acks = window.size();
        for (int i = 0; i < acks; i++) {
            now += MS / 10;
            window.acknowledged(i < acks / 10 ? 40 * MS : 2 * MS, true, now); // a pause of the machine, then prompt
        }
        assertEquals(1000, window.size());
    }

    @Test
    void answersWithinAQuarterOfTheWriteDelayKeepTheWindow() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, 5 * MS, true);
        round(window, 4 * MS, true);
        assertEquals(1000, window.size());
    }

    @Test
    void theWindowNeverShrinksBelowItsMinimum() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, MS / 2, true);
        for (int i = 0; i < 50; i++) {
            round(window, 8 * MS, true);
        }
        assertEquals(BrokerWindow.MIN, window.size());
    }

    @Test
    void promptRoundsGrowItAgainWhileMessagesWaitForAPlace() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, MS / 2, true);
        for (int i = 0; i < 10; i++) {
            round(window, 30 * MS, true);
        }
        int shrunk = window.size();
        round(window, 2 * MS, true);
        assertEquals(shrunk + shrunk / 8 + 1, window.size());
        for (int i = 0; i < 100; i++) {
            round(window, 2 * MS, true);
        }
        assertEquals(1000, window.size(), "never past the configured window");
    }

    @Test
    void promptRoundsWithNothingWaitingLeaveItAsItIs() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, MS / 2, true);
        round(window, 30 * MS, true);
        round(window, 2 * MS, false);
        assertEquals(750, window.size());
    }

    @Test
    void aBrokerWhoseFastestAnswerTakesOverHalfTheWriteDelayGetsTheWholeWindow() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        for (int i = 0; i < 5; i++) {
            round(window, 60 * MS, true); // a cellular uplink: every message is written whatever the window
        }
        assertEquals(1000, window.size());
    }

    @Test
    void theBaseRoundTripForgetsAnswersOlderThanItsPeriods() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, MS / 2, true);
        round(window, 30 * MS, true);
        assertEquals(750, window.size());
        // The broker moved far away: after two periods of 5 s the fast answer of then no longer counts.
        now += 6_000 * MS;
        round(window, 30 * MS, true);
        now += 6_000 * MS;
        for (int i = 0; i < 3; i++) {
            round(window, 30 * MS, true);
        }
        assertEquals(1000, window.size());
    }

    @Test
    void withoutAWriteDelayTheWindowIsFixed() {
        BrokerWindow window = new BrokerWindow(1000, 0);
        round(window, MS / 2, true);
        round(window, 500 * MS, true);
        assertEquals(1000, window.size());
    }

    @Test
    void aNewConnectionStartsFromTheWholeWindow() {
        BrokerWindow window = new BrokerWindow(1000, WRITE_DELAY);
        round(window, MS / 2, true);
        round(window, 30 * MS, true);
        window.reset();
        assertEquals(1000, window.size());
    }
}
