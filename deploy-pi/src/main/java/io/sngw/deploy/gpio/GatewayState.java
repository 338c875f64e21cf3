package io.sngw.deploy.gpio;

/**
 * What the status LED shows, sampled from the running gateway.
 *
 * @param brokerConnected the bridge is connected to the MQTT broker
 * @param backlog         messages are waiting in the store-and-forward queue ({@link GatewaySignals} says when)
 * @param pairingWindow   a pairing window is open
 */
public record GatewayState(boolean brokerConnected, boolean backlog, boolean pairingWindow) {

    /**
     * The status LED's pattern for this state; the first that holds wins:
     * <ol>
     * <li>a pairing window is open: {@link BlinkPattern#DOUBLE_BLINK} (the operator who pressed the button, or ran
     *     {@code sngw pair}, is looking at the LED right now);</li>
     * <li>a backlog: {@link BlinkPattern#FAST_BLINK} (messages are held on this gateway, whether the broker is away or
     *     the queue is still draining after it came back);</li>
     * <li>not connected to the broker: {@link BlinkPattern#SLOW_BLINK} (connecting, nothing held yet);</li>
     * <li>connected: {@link BlinkPattern#ON}.</li>
     * </ol>
     */
    public BlinkPattern statusPattern() {
        if (pairingWindow) {
            return BlinkPattern.DOUBLE_BLINK;
        }
        if (backlog) {
            return BlinkPattern.FAST_BLINK;
        }
        return brokerConnected ? BlinkPattern.ON : BlinkPattern.SLOW_BLINK;
    }
}
