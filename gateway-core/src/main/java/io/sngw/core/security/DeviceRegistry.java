package io.sngw.core.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The device registry port: which sensors exist, their credentials and ACLs. Implemented by the durable store.
 * {@link #find} is called on handshakes and CONNECTs and must answer from memory (implementations cache); writes
 * come from the CLI and the pairing flow.
 */
public interface DeviceRegistry {

    Optional<Device> find(String clientId);

    List<Device> list();

    /**
     * Inserts or replaces. {@link #find} sees the change at once; it is durable after the store's next commit
     * (the store's flush waits for it).
     */
    void put(Device device);

    /** @return whether it existed; like {@link #put}, {@link #find} sees the removal at once */
    boolean remove(String clientId);

    /** Records that the device was seen now; may be written lazily. */
    void touch(String clientId);

    /**
     * Registers {@code listener} to be told the client ids of devices added, changed (credentials, ACLs, enabled flag)
     * or removed, whether through {@link #put}/{@link #remove} or by another process sharing the registry. It is
     * called after {@link #find} already answers with the change, never on the caller of put or remove and never
     * under a lock of the registry, so it may take its time (not forever: later notifications wait for it). A set
     * may name a device whose change was undone since: listeners look the devices up again, they are not told what
     * changed.
     */
    void onChange(Consumer<Set<String>> listener);
}
