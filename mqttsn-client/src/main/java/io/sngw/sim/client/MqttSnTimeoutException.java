package io.sngw.sim.client;

/** No answer came in time; the message says what was sent and what was awaited. */
public class MqttSnTimeoutException extends MqttSnException {

    public MqttSnTimeoutException(String message) {
        super(message);
    }

    public MqttSnTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
