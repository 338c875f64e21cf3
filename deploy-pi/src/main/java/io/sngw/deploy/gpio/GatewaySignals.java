package io.sngw.deploy.gpio;

import io.sngw.core.linksec.PairingWindows;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The little of the running gateway that the LEDs and the pairing button need, read from the GPIO driver's own
 * thread (never from an event loop, and nothing on the hot path calls into GPIO).
 *
 * @param brokerConnected         whether the bridge is connected to the broker now
 * @param outboundQueued          messages in the store-and-forward queue (0 without one)
 * @param traffic                 a counter that moves with every message from and to sensors
 * @param pairing                 where the button opens windows; its {@code get()} is null when no link has link
 *                                security, so there is nothing to pair
 * @param allowWithoutInstallCode {@code pairing.allow-without-install-code}: whether the button's window (which has no
 *                                install code) pairs anything
 */
public record GatewaySignals(BooleanSupplier brokerConnected, LongSupplier outboundQueued, LongSupplier traffic,
                             Supplier<PairingWindows> pairing, boolean allowWithoutInstallCode) {

    /**
     * Queued messages that, with the broker connected, count as a backlog: more than a healthy flow keeps in flight
     * (a Pi's 100 sensors at a message a second, acknowledged within a second). Below it the queue is draining as fast
     * as it fills; with the broker away, any queued message is a backlog.
     */
    public static final long BACKLOG_WHILE_CONNECTED = 100;

    public GatewaySignals {
        Objects.requireNonNull(brokerConnected, "brokerConnected");
        Objects.requireNonNull(outboundQueued, "outboundQueued");
        Objects.requireNonNull(traffic, "traffic");
        Objects.requireNonNull(pairing, "pairing");
    }

    /** The gateway's state now, for the status LED. */
    GatewayState sample() {
        boolean connected = brokerConnected.getAsBoolean();
        long queued = outboundQueued.getAsLong();
        PairingWindows windows = pairing.get();
        return new GatewayState(connected, queued > (connected ? BACKLOG_WHILE_CONNECTED : 0),
                windows != null && !windows.openNow().isEmpty());
    }
}
