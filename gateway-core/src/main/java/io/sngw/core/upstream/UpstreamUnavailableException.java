package io.sngw.core.upstream;

/** The broker is not connected, or the connection dropped before the broker acknowledged. */
public final class UpstreamUnavailableException extends RuntimeException {
    public UpstreamUnavailableException(String message) {
        super(message, null, false, false);
    }
}
