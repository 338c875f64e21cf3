package io.sngw.core.upstream;

/** Implemented by the core: what the broker sends, and whether the broker is reachable. */
public interface UpstreamListener {

    /**
     * A message from the broker. Called on the bridge's thread; must not block.
     *
     * <p>{@code taken} is how the core says it has the message: run it exactly once, when every session the message
     * is for has processed it and whatever the core keeps of it is durable (stored as pending for a sleeping or
     * offline persistent session, and committed), or at once when nothing is to be kept (no durable store, no session
     * wants it, QoS 0). Until then the bridge withholds the broker's acknowledgement (PUBACK, PUBREC), so that a
     * crash before {@code taken} leaves the message with the broker, which sends it again. {@code taken} may run on
     * any thread, before or after {@code onMessage} returns; the bridge hops to its own loop. It is never run when
     * the gateway closes first.
     */
    void onMessage(UpstreamMessage message, Runnable taken);

    /** The broker connection went up (after CONNACK and re-subscription) or down. */
    void onConnectionChanged(boolean connected);
}
