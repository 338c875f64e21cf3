package io.sngw.transport.udp.dtls;

/** Why a DTLS handshake did not complete, as counted in {@link DtlsStats#handshakesFailed(HandshakeFailure)}. */
public enum HandshakeFailure {
    /** The PSK identity is unknown, disabled, has no key, or is not printable UTF-8 of 1..128 bytes. */
    UNKNOWN_IDENTITY,
    /**
     * The client's Finished never verified: almost always a wrong PSK. DTLS drops records that fail their MAC without
     * a word, so this shows as a handshake that ran out of time after encrypted records had arrived (or, where the
     * record decrypted, as a decrypt_error).
     */
    BAD_KEY,
    /** A client certificate was required and missing, or did not chain to the client CA, or is expired or unfit. */
    BAD_CERTIFICATE,
    /** No cipher suite, curve or signature algorithm in common with the client. */
    NEGOTIATION,
    /** The client aborted the handshake with a fatal alert. */
    ALERT_RECEIVED,
    /** The handshake made no progress before the handshake timeout (the client went away, or packets were lost). */
    TIMEOUT,
    /** A newer handshake from the same address replaced it, or the listener was closing. */
    CANCELLED,
    /** Anything else the protocol refused: an unexpected or malformed message, an internal error. */
    PROTOCOL
}
