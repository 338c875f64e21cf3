package io.sngw.testing;

/** {@link BrokerProbe#awaitMessages} did not see enough messages in time; the message lists what did arrive. */
public final class ProbeTimeoutException extends RuntimeException {
    public ProbeTimeoutException(String message) {
        super(message);
    }
}
