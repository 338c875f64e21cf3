package io.sngw.core;

import io.sngw.core.config.Budgets;
import io.sngw.core.config.GatewayOptions;

/** The gateway's three global budgets, sized from the configuration and, where it leaves them to it, from the heap. */
record MemoryBudgets(MemoryBudget registrations, MemoryBudget subscriptions, MemoryBudget keptMessages) {

    static MemoryBudgets of(GatewayOptions options, long maxHeapBytes) {
        Budgets b = options.budgets().resolved(maxHeapBytes, options.maxPayload());
        return new MemoryBudgets(new MemoryBudget("registrations (limits.max-registrations)", b.maxRegistrations()),
                new MemoryBudget("subscriptions (limits.max-subscriptions)", b.maxSubscriptions()),
                new MemoryBudget("kept messages (limits.max-kept-messages)", b.maxKeptMessages()));
    }

    @Override
    public String toString() {
        return registrations.limit() + " registrations, " + subscriptions.limit() + " subscriptions, "
                + keptMessages.limit() + " kept messages";
    }
}
