package io.sngw.core.link;

/**
 * The outbound half of the link port, implemented by a transport. Calls come from the core's session loops and
 * must not block: a transport queues the bytes and returns.
 */
public interface Link {

    /** A short name for logs and metrics, e.g. "udp:0.0.0.0:1884". */
    String name();

    /**
     * The kind of link, named to the broker with each forwarded message (MQTT 5 user property): udp, dtls, serial, …
     * By default the part of {@link #name()} before its first ':'.
     */
    default String kind() {
        String name = name();
        int colon = name.indexOf(':');
        return colon > 0 ? name.substring(0, colon) : name;
    }

    /** Sends one complete MQTT-SN message to the address. Loss is possible, as on the air. */
    void send(LinkAddress to, byte[] message);

    /** Sends to every listener on this link (ADVERTISE, GWINFO answers); a no-op where the link has no broadcast. */
    void broadcast(byte[] message);

    /**
     * The address in a form that survives a restart (for the store), or null where this link's addresses do not; a
     * session whose address cannot be restored waits for its sensor to connect again.
     */
    default byte[] persistentForm(LinkAddress address) {
        return null;
    }

    /** The inverse of {@link #persistentForm}; null where the form is not one of this link's. */
    default LinkAddress fromPersistentForm(byte[] form) {
        return null;
    }
}
