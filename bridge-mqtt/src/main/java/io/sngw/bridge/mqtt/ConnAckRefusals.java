package io.sngw.bridge.mqtt;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

/** One line for a CONNACK that refused the connection: its return code, and the setting to look at. */
final class ConnAckRefusals {
    private ConnAckRefusals() {
    }

    static String describe(MqttConnectReturnCode code, String clientId) {
        int value = code.byteValue() & 0xFF;
        String what = switch (value) {
            case 1 -> "the broker does not accept MQTT 3.1.1 (unacceptable protocol version)";
            case 0x84 -> "the broker does not accept MQTT 5 (unsupported protocol version): check upstream.protocol";
            case 2, 0x85 -> "the broker refused the client id '" + clientId + "' (identifier rejected): check"
                    + " upstream.client-id";
            case 3, 0x88 -> "the broker is unavailable (server unavailable): it will be asked again";
            case 4, 0x86 -> "the broker refused the user name or password (bad user name or password): check"
                    + " upstream.username and upstream.password-file";
            case 5, 0x87 -> "the broker refused the connection as not authorized: check upstream.username,"
                    + " upstream.password-file, the client certificate and the broker's policy for client id '"
                    + clientId + "'";
            default -> "the broker refused the connection (" + code + ")";
        };
        return what + " [CONNACK return code " + value + "]";
    }
}
