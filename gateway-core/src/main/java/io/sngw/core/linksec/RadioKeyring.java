package io.sngw.core.linksec;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The radio keys port: which devids have a key, the client id each is bound to, and their counters' durable state.
 * Implemented by the durable store; {@link #find} answers from memory (called for frames of devices not yet in use).
 */
public interface RadioKeyring {

    Optional<RadioKey> find(long devid);

    /** The key bound to a client id, if any (a client id has at most one). */
    Optional<RadioKey> findByClientId(String clientId);

    List<RadioKey> list();

    /** Inserts or replaces a device's key (a pairing or the CLI); its counters start afresh with a new key. */
    void put(RadioKey key);

    boolean remove(long devid);

    /**
     * Records durably that downlink counters up to {@code upTo} may be used (a reservation ahead, so that not every
     * frame is a write). The future completes once it is on disk; only then may those counters go out.
     */
    CompletableFuture<Void> reserveDownlink(long devid, long upTo);

    /**
     * The last accepted uplink counter and that the device was heard now; written lazily (a few seconds late). Only
     * for the key paired at {@code paired}: a frame of a key replaced meanwhile must not move the new key's counter.
     */
    void heard(long devid, Instant paired, long uplinkAccepted);

    /** Told the devids whose keys were added, replaced or removed, here or by another process (the CLI, pairing). */
    void onChange(Consumer<Set<Long>> listener);
}
