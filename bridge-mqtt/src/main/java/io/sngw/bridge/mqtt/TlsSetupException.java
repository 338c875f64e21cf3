package io.sngw.bridge.mqtt;

/** The TLS setup cannot be made from the files given; the message is one line naming the file and what to fix. */
final class TlsSetupException extends Exception {
    TlsSetupException(String message) {
        super(message, null, false, false);
    }
}
