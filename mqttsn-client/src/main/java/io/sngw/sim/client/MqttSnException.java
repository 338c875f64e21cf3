package io.sngw.sim.client;

/** A request of the client failed: refused by the gateway, answered out of protocol, or the client is closed. */
public class MqttSnException extends RuntimeException {

    public MqttSnException(String message) {
        super(message);
    }

    public MqttSnException(String message, Throwable cause) {
        super(message, cause);
    }
}
