package io.sngw.deploy;

import io.sngw.core.security.Device;
import io.sngw.core.security.DeviceRegistry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The device registry port backed by a map: enough to wire DTLS in tests until the durable registry exists. */
public final class MapDeviceRegistry implements DeviceRegistry {
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    /** Adds a device with a PSK and no ACL patterns. */
    public MapDeviceRegistry with(String clientId, byte[] psk, boolean enabled) {
        put(new Device(clientId, psk, null, List.of(), List.of(), enabled, Instant.now(), null));
        return this;
    }

    @Override
    public Optional<Device> find(String clientId) {
        return Optional.ofNullable(devices.get(clientId));
    }

    @Override
    public List<Device> list() {
        return List.copyOf(devices.values());
    }

    @Override
    public void put(Device device) {
        devices.put(device.clientId(), device);
    }

    @Override
    public boolean remove(String clientId) {
        return devices.remove(clientId) != null;
    }

    @Override
    public void touch(String clientId) {
        devices.computeIfPresent(clientId, (id, d) -> new Device(d.clientId(), d.psk(), d.certFingerprint(),
                d.publishPatterns(), d.subscribePatterns(), d.enabled(), d.created(), Instant.now()));
    }

    /** Changes are not announced: the tests using this map change no device while a gateway runs. */
    @Override
    public void onChange(Consumer<Set<String>> listener) {
    }
}
