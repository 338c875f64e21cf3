package io.sngw.core.store;

import java.util.List;
import java.util.Map;

/**
 * What {@link Store#load()} found.
 *
 * @param pending  client id → its pending messages, in seq order
 * @param outbound a summary of the outbound queue; its messages are read in batches with {@link Store#readOutbound}
 */
public record StoredState(List<SessionRecord> sessions, Map<String, List<PendingMessage>> pending,
                          OutboundSummary outbound) {

    public static StoredState empty() {
        return new StoredState(List.of(), Map.of(), new OutboundSummary(0, 0, 0, 0));
    }

    /** Count and total payload bytes of queued messages, and the lowest and highest seq (0 when empty). */
    public record OutboundSummary(long count, long bytes, long firstSeq, long lastSeq) {
    }
}
