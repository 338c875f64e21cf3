package io.sngw.core.codec;

/** What the decoder made of a datagram: a message, or the precise reason it was rejected. Never an exception. */
public sealed interface DecodeResult {

    record Decoded(MqttSnMessage message) implements DecodeResult {
    }

    record Malformed(MalformedReason reason, String detail) implements DecodeResult {
        @Override
        public String toString() {
            return reason + ": " + detail;
        }
    }
}
