package io.sngw.core;

/** Where a client stands at the gateway (MQTT-SN 1.2 client states, plus the will dialogue and removal). */
enum SessionState {
    /** CONNECT with the Will flag received; WILLTOPIC/WILLMSG still to come. */
    CONNECTING,
    ACTIVE,
    ASLEEP,
    /** Woken by PINGREQ(ClientId): draining its buffer, then PINGRESP and asleep again. */
    AWAKE,
    /** Disconnected or lost, but kept because CleanSession was false: subscriptions stay, QoS ≥ 1 is buffered. */
    DISCONNECTED,
    /** Gone for good; tasks that still arrive for it are ignored. */
    REMOVED
}
