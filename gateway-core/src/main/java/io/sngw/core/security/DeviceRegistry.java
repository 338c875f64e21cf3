package io.sngw.core.security;

import java.util.List;
import java.util.Optional;

/**
 * The device registry port: which sensors exist, their credentials and ACLs. Implemented by the durable store.
 * {@link #find} is called on handshakes and CONNECTs and must answer from memory (implementations cache); writes
 * come from the CLI and the pairing flow.
 */
public interface DeviceRegistry {

    Optional<Device> find(String clientId);

    List<Device> list();

    /** Inserts or replaces. */
    void put(Device device);

    /** @return whether it existed */
    boolean remove(String clientId);

    /** Records that the device was seen now; may be written lazily. */
    void touch(String clientId);
}
