package io.sngw.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BudgetsTest {
    private static final long HEAP_256_MB = 256L << 20;

    @Test
    void zeroBudgetsAreSizedFromTheHeap() {
        Budgets resolved = Budgets.defaults().resolved(HEAP_256_MB, 1024);
        assertEquals(HEAP_256_MB / 4 / Budgets.REGISTRATION_BYTES, resolved.maxRegistrations());
        assertEquals(HEAP_256_MB / 8 / Budgets.SUBSCRIPTION_BYTES, resolved.maxSubscriptions());
        assertEquals(HEAP_256_MB / 4 / (1024 + Budgets.KEPT_MESSAGE_OVERHEAD_BYTES), resolved.maxKeptMessages());
    }

    @Test
    void givenBudgetsAreKept() {
        Budgets given = new Budgets(Duration.ofHours(1), 10, 20, 30, 40);
        assertEquals(given, given.resolved(HEAP_256_MB, 1024));
    }
}
