package io.sngw.core.security;

import io.sngw.core.link.LinkAddress;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who may connect and what a client may do, from the device registry. With authentication off every client is
 * admitted with {@link ClientGrants#ALL}; with it on, only enabled devices are, a client on a secure link only under
 * the identity that link proved, a device that has a credential (a PSK, a certificate, a radio key) only over a link
 * that proved it (see {@link LinkProof}), and QoS −1 publishes (which carry no client id) only from peers a secure
 * link authenticated as an enabled device.
 */
public final class AccessPolicy {
    private final DeviceRegistry registry;
    private final boolean requireAuth;
    private final Predicate<String> otherCredential;

    public AccessPolicy(DeviceRegistry registry, boolean requireAuth) {
        this(registry, requireAuth, clientId -> false);
    }

    /**
     * @param otherCredential whether a client id holds a credential kept outside the registry (a radio key bound to
     *                        it): such a client, too, is admitted only over a link that proved it
     */
    public AccessPolicy(DeviceRegistry registry, boolean requireAuth, Predicate<String> otherCredential) {
        this.registry = registry;
        this.requireAuth = requireAuth;
        this.otherCredential = otherCredential;
    }

    /** Authentication off: everyone is admitted to everything. */
    public static AccessPolicy open() {
        return new AccessPolicy(null, false);
    }

    public boolean requiresAuth() {
        return requireAuth;
    }

    /** The outcome of a CONNECT: the client's grants, or why it is refused (for the log, never for the wire). */
    public sealed interface Admission {
        record Admitted(ClientGrants grants) implements Admission {
        }

        record Refused(String reason) implements Admission {
        }
    }

    public Admission admit(String clientId, LinkAddress from) {
        if (from.bindsIdentity() && !clientId.equals(from.authenticatedIdentity())) {
            return new Admission.Refused("the link's key is bound to " + from.authenticatedIdentity() + ", not "
                    + clientId);
        }
        if (!requireAuth && !otherCredential.test(clientId)) {
            if (registry != null) {
                registry.touch(clientId); // `sngw devices list` shows a registered device's last CONNECT either way
            }
            return new Admission.Admitted(ClientGrants.ALL);
        }
        String proved = from.authenticatedIdentity();
        if (proved != null && !proved.equals(clientId)) {
            return new Admission.Refused("the link authenticated " + proved + ", not " + clientId);
        }
        Admission admission = current(clientId);
        if (admission instanceof Admission.Admitted && proved == null && hasCredential(clientId)) {
            // Whoever holds the device's key could have proved it; a link that proved nothing could be anyone.
            return new Admission.Refused("the device has a credential and this link did not prove it");
        }
        if (admission instanceof Admission.Admitted && registry != null) {
            registry.touch(clientId);
        }
        return admission;
    }

    /**
     * What the registry says of a client that is connected already, after its device changed: its grants now, or why
     * it may no longer be connected. The link's proof was checked at CONNECT and does not change.
     */
    public Admission current(String clientId) {
        if (!requireAuth) {
            return new Admission.Admitted(ClientGrants.ALL);
        }
        Optional<Device> device = registry.find(clientId);
        if (device.isEmpty()) {
            return new Admission.Refused("unknown device");
        }
        if (!device.get().enabled()) {
            return new Admission.Refused("device disabled");
        }
        return new Admission.Admitted(ClientGrants.of(device.get()));
    }

    /**
     * Whether the registry holds a credential for this client (a PSK or a certificate fingerprint): such a device is
     * only ever itself over a link that proved it, whether authentication is required or not.
     */
    public boolean hasCredential(String clientId) {
        return otherCredential.test(clientId) || registry != null && registry.find(clientId)
                .map(d -> d.psk() != null || d.certFingerprint() != null).orElse(false);
    }

    /** A QoS −1 PUBLISH, which names no client: only a peer a secure link authenticated as an enabled device. */
    public boolean mayPublishWithoutSession(LinkAddress from, String topic) {
        if (!requireAuth) {
            return true;
        }
        String proved = from.authenticatedIdentity();
        if (proved == null) {
            return false;
        }
        return registry.find(proved).filter(Device::enabled).map(d -> ClientGrants.of(d).mayPublish(topic)).orElse(false);
    }
}
