package io.sngw.core.linksec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayWindowTest {

    @Test
    void anOrderedLinkAcceptsOnlyCountersAboveTheLast() {
        ReplayWindow w = new ReplayWindow(0);
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
        ReplayWindow w = new ReplayWindow(0);
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
        ReplayWindow w = new ReplayWindow(100);
        assertFalse(w.mayAccept(100, true));
        assertTrue(w.mayAccept(101, true));
    }
}
