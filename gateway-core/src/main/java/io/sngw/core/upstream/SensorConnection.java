package io.sngw.core.upstream;

/**
 * A sensor's CONNECT as the upstream needs it to open a connection of its own for the sensor (transparent mode):
 * who it is, its CleanSession flag and keep-alive, and its will (null when it has none).
 */
public record SensorConnection(ClientRef client, boolean cleanSession, int keepAliveSeconds, UpstreamMessage will) {
    public SensorConnection {
        if (client == null) {
            throw new IllegalArgumentException("client must not be null");
        }
    }
}
