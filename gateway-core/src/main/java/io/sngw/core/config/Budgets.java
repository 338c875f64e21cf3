package io.sngw.core.config;

import java.time.Duration;

/**
 * What bounds the gateway's state as a whole, beyond the per-client limits: a REGISTER flood from many client ids, or
 * sessions nobody supervises, must not take the heap or the client table.
 *
 * @param idleExpiry       a session nothing supervises (keep-alive 0, or disconnected and persistent) is forgotten
 *                         after this long without a word from its client; zero keeps such sessions forever
 * @param maxRegistrations topic ids registered, all clients together; a REGISTER beyond gets REGACK 0x01
 *                         (congestion); 0 = sized from the heap ({@link #resolved})
 * @param maxSubscriptions subscriptions, all clients together; a SUBSCRIBE beyond gets SUBACK 0x01; 0 = from the heap
 * @param maxKeptMessages  messages kept for clients (asleep, offline, unacknowledged), all clients together; beyond,
 *                         a message for a client is dropped and counted; 0 = from the heap
 * @param sourceRate       datagrams a second any one source (address, or proven identity) may always send; beyond
 *                         that, while others send too, it gets at most twice an equal share; 0 = no fair share
 */
public record Budgets(Duration idleExpiry, long maxRegistrations, long maxSubscriptions, long maxKeptMessages,
                      int sourceRate) {
    /**
     * Bytes of heap one of each costs, measured (issue 14: 353 bytes per registration; a subscription adds its entry in
     * the session, the router's trie and the bridge's reference count; a kept message its payload and a record).
     */
    static final long REGISTRATION_BYTES = 400;
    static final long SUBSCRIPTION_BYTES = 500;
    static final long KEPT_MESSAGE_OVERHEAD_BYTES = 200;

    public Budgets {
        if (idleExpiry == null || idleExpiry.isNegative()) {
            throw new IllegalArgumentException("idleExpiry must be >= 0: " + idleExpiry);
        }
        if (maxRegistrations < 0 || maxSubscriptions < 0 || maxKeptMessages < 0 || sourceRate < 0) {
            throw new IllegalArgumentException("budgets must be >= 0 (0 = sized from the heap)");
        }
    }

    /** Every source may send this many datagrams a second, whatever the others do: far more than a sensor's share. */
    public static final int DEFAULT_SOURCE_RATE = 2000;

    /** A week of idle expiry; the three budgets sized from the heap; the default source rate. */
    public static Budgets defaults() {
        return new Budgets(Duration.ofDays(7), 0, 0, 0, DEFAULT_SOURCE_RATE);
    }

    public Budgets withSourceRate(int rate) {
        return new Budgets(idleExpiry, maxRegistrations, maxSubscriptions, maxKeptMessages, rate);
    }

    /**
     * The budgets with every 0 replaced by a share of {@code maxHeapBytes}: a quarter of it for registrations, an eighth
     * for subscriptions, a quarter for kept messages of {@code maxPayload} bytes. What is left holds the sessions
     * themselves, the queues and the buffers of the links.
     */
    public Budgets resolved(long maxHeapBytes, int maxPayload) {
        return new Budgets(idleExpiry,
                maxRegistrations > 0 ? maxRegistrations : Math.max(1, maxHeapBytes / 4 / REGISTRATION_BYTES),
                maxSubscriptions > 0 ? maxSubscriptions : Math.max(1, maxHeapBytes / 8 / SUBSCRIPTION_BYTES),
                maxKeptMessages > 0 ? maxKeptMessages
                        : Math.max(1, maxHeapBytes / 4 / (maxPayload + KEPT_MESSAGE_OVERHEAD_BYTES)), sourceRate);
    }
}
