package io.sngw.core.linksec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayWindowTest {

    @Test
    void anOrderedLinkAcceptsOnlyCountersAboveTheLast() {
        ReplayWindow w = new ReplayWindow(0, false);
        assertFalse(w.mayAccept(0));
        assertTrue(w.mayAccept(1));
        w.accept(5);
        assertFalse(w.mayAccept(5));
        assertFalse(w.mayAccept(4));
        assertTrue(w.mayAccept(6));
        assertFalse(w.mayAccept(0x1_0000_0000L));
    }

    @Test
    void aReorderingLinkAcceptsEachUnseenCounterOfTheLast32Once() {
        ReplayWindow w = new ReplayWindow(0, true);
        w.accept(40);
        assertTrue(w.mayAccept(39));
        w.accept(39);
        assertFalse(w.mayAccept(39));
        assertFalse(w.mayAccept(40));
        assertTrue(w.mayAccept(9));
        assertFalse(w.mayAccept(8));
    }

    @Test
    void aWindowRestoredFromTheStoreRefusesItsLastCounter() {
        ReplayWindow w = new ReplayWindow(100, true);
        assertFalse(w.mayAccept(100));
        assertTrue(w.mayAccept(101));
    }
}
