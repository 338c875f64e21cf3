package io.sngw.bridge.mqtt;

/**
 * A PUBLISH from the broker that was larger than the bridge accepts, skipped by {@link MqttFrameGuard} without being
 * buffered. The bridge still acknowledges it (so the broker does not resend it forever) and logs that it dropped it.
 */
record OversizedPublish(String topic, int qos, int packetId, int remainingLength) {
}
