package io.sngw.core.upstream;

/**
 * The sensor a message is from (towards the broker) or for (from the broker), as the upstream sees it: its MQTT-SN
 * client id and the kind of link it is on ({@link io.sngw.core.link.Link#kind()}: udp, dtls, serial, …). The bridge
 * names the sensor to the broker with it (MQTT 5 user properties, topic templates, transparent mode's connection per
 * sensor).
 */
public record ClientRef(String clientId, String linkKind) {
    /** The link kind of a sensor whose link is not known (a session restored without an address). */
    public static final String UNKNOWN_LINK = "unknown";

    public ClientRef {
        if (clientId == null || clientId.isEmpty()) {
            throw new IllegalArgumentException("clientId must not be empty");
        }
        linkKind = linkKind == null || linkKind.isEmpty() ? UNKNOWN_LINK : linkKind;
    }
}
