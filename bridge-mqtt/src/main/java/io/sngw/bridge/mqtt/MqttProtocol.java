package io.sngw.bridge.mqtt;

import io.netty.handler.codec.mqtt.MqttVersion;

/** The MQTT version the bridge speaks to its broker ({@code upstream.protocol}). */
public enum MqttProtocol {
    MQTT_3_1_1("3.1.1", MqttVersion.MQTT_3_1_1),
    MQTT_5("5", MqttVersion.MQTT_5);

    private final String configName;
    private final MqttVersion version;

    MqttProtocol(String configName, MqttVersion version) {
        this.configName = configName;
        this.version = version;
    }

    /** As written in the configuration: {@code 3.1.1} or {@code 5}. */
    public String configName() {
        return configName;
    }

    MqttVersion version() {
        return version;
    }

    /** The protocol for {@code upstream.protocol}'s value, or null. */
    public static MqttProtocol fromConfig(String value) {
        for (MqttProtocol p : values()) {
            if (p.configName.equals(value)) {
                return p;
            }
        }
        return null;
    }
}
