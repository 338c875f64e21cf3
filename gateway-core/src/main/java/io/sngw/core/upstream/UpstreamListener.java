package io.sngw.core.upstream;

/** Implemented by the core: what the broker sends, and whether the broker is reachable. */
public interface UpstreamListener {

    /** A message from the broker. Called on the bridge's thread; must not block. */
    void onMessage(UpstreamMessage message);

    /** The broker connection went up (after CONNACK and re-subscription) or down. */
    void onConnectionChanged(boolean connected);
}
