package io.sngw.core;

import java.time.Duration;

/**
 * One session as an operator sees it (the status page, {@code sngw clients}), taken on the session's own loop by
 * {@link Gateway#sessions()}: a copy, never the live state.
 *
 * @param link          the kind of link it is on (udp, dtls, serial, …), or null without an address
 * @param address       where its client answers, as the link prints it; null without an address
 * @param sinceLastSeen how long ago the gateway last heard from it; null when not since this start
 * @param subscriptions topic filters it holds
 * @param pending       messages for it, queued or waiting for its acknowledgement
 */
public record SessionView(String clientId, Status status, String link, String address, Duration sinceLastSeen,
                          int subscriptions, int pending) {

    /** Where the client stands, in an operator's words. */
    public enum Status {
        /** In the will dialogue of its CONNECT. */
        CONNECTING,
        ACTIVE,
        ASLEEP,
        /** Woken from sleep, collecting what was kept for it. */
        AWAKE,
        /** Vanished without DISCONNECT (keep-alive or sleep expired); its persistent session is kept. */
        LOST,
        /** Said DISCONNECT, or restored from the store without an address; its persistent session is kept. */
        DISCONNECTED;

        /** Lower case, as in JSON and tables. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
