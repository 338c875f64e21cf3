package io.sngw.core.linksec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayWindowTest {

    @Test
    void anOrderedLinkAcceptsOnlyCountersAboveTheLast() {
        ReplayWindow w = ReplayWindow.forRadioCounters(0);
        assertFalse(w.mayAccept(0, false));
        assertTrue(w.mayAccept(1, false));
        w.accept(5);
        assertFalse(w.mayAccept(5, false));
        assertFalse(w.mayAccept(4, false));
        assertTrue(w.mayAccept(6, false));
        assertFalse(w.mayAccept(0x1_0000_0000L, false));
    }

    @Test
    void aReorderingLinkAcceptsEachUnseenCounterOfTheLast32Once() {
        ReplayWindow w = ReplayWindow.forRadioCounters(0);
        w.accept(40);
        assertTrue(w.mayAccept(39, true));
        w.accept(39);
        assertFalse(w.mayAccept(39, true));
        assertFalse(w.mayAccept(40, true));
        assertTrue(w.mayAccept(9, true));
        assertFalse(w.mayAccept(8, true));
    }

    @Test
    void aWindowRestoredFromTheStoreRefusesItsLastCounter() {
        ReplayWindow w = ReplayWindow.forRadioCounters(100);
        assertFalse(w.mayAccept(100, true));
        assertTrue(w.mayAccept(101, true));
    }

    @Test
    void dtlsRecordsAreAcceptedOnceAndForgottenOnlyBeyondSixtyFour() {
        ReplayWindow w = ReplayWindow.forDtlsRecords();
        assertTrue(w.isFresh(0), "DTLS sequence numbers start at 0");
        assertTrue(w.isFresh(5));
        w.accept(5);
        assertFalse(w.isFresh(5));
        assertTrue(w.isFresh(3), "older but never seen, within the window");
        w.accept(3);
        assertFalse(w.isFresh(3));
        w.accept(100);
        assertFalse(w.isFresh(36), "64 behind the newest: too old to tell, so a replay");
        assertTrue(w.isFresh(37));
        assertFalse(w.isFresh(100));
        w.accept(300); // a jump beyond the window clears it
        assertFalse(w.isFresh(300));
        assertTrue(w.isFresh(299));
        assertFalse(w.isFresh(-1));
        assertFalse(w.isFresh(1L << 48), "beyond 48 bits");
    }

    @Test
    void aNumberOutsideTheValidRangeNeverMovesTheWindow() {
        ReplayWindow radio = ReplayWindow.forRadioCounters(10);
        radio.accept(0x1_0000_0000L);
        radio.accept(0);
        assertTrue(radio.mayAccept(11, false));
        ReplayWindow dtls = ReplayWindow.forDtlsRecords();
        dtls.accept(1L << 48);
        assertTrue(dtls.isFresh(0));
    }
}
