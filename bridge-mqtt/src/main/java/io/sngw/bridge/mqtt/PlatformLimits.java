package io.sngw.bridge.mqtt;

import java.nio.charset.StandardCharsets;

/**
 * What the broker's platform can take, so that the bridge adapts a sensor's request instead of having the
 * connection dropped for it (AWS IoT Core and Azure IoT Hub disconnect a client that publishes QoS 2). A QoS above
 * {@code maxQos} is lowered to it and a retain flag the platform does not keep is cleared, each counted; a publish to a
 * topic the platform would refuse is dropped, also counted.
 *
 * @param platform       name for messages, e.g. "AWS IoT Core"
 * @param maxQos         highest QoS of publishes and subscriptions, 0..2
 * @param retain         whether the platform keeps retained messages
 * @param maxTopicBytes  longest topic name in UTF-8 bytes (1..65535)
 * @param maxTopicSlashes most '/' in a topic name (AWS: 7), or -1 for no limit
 * @param topicPrefix    every published topic must start with this (Azure: {@code devices/DEVICE/messages/events/}),
 *                       or null
 */
public record PlatformLimits(String platform, int maxQos, boolean retain, int maxTopicBytes, int maxTopicSlashes,
        String topicPrefix) {

    /** A full MQTT 3.1.1 broker such as Mosquitto: nothing is adapted. */
    public static final PlatformLimits NONE = new PlatformLimits("MQTT broker", 2, true, 65535, -1, null);

    public PlatformLimits {
        if (platform == null || platform.isBlank()) {
            throw new IllegalArgumentException("platform must be named");
        }
        if (maxQos < 0 || maxQos > 2) {
            throw new IllegalArgumentException("maxQos must be 0..2: " + maxQos);
        }
        if (maxTopicBytes < 1 || maxTopicBytes > 65535) {
            throw new IllegalArgumentException("maxTopicBytes must be 1..65535: " + maxTopicBytes);
        }
    }

    /** Why the platform would refuse a publish to {@code topic}, or null when it takes it. */
    String topicProblem(String topic) {
        if (topicPrefix != null && !topic.startsWith(topicPrefix)) {
            return platform + " takes publishes only under '" + topicPrefix + "', not to '" + topic + "'";
        }
        if (topic.getBytes(StandardCharsets.UTF_8).length > maxTopicBytes) {
            return platform + " takes topics of at most " + maxTopicBytes + " bytes: '" + topic + "'";
        }
        if (maxTopicSlashes >= 0 && topic.chars().filter(ch -> ch == '/').count() > maxTopicSlashes) {
            return platform + " takes topics of at most " + maxTopicSlashes + " '/': '" + topic + "'";
        }
        return null;
    }
}
