package io.sngw.bridge.mqtt;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.sngw.core.upstream.UpstreamMessage;

/**
 * A sensor's will in the CONNECT of its own upstream connection (transparent mode), under the topic template, so
 * that the broker publishes it when that connection is lost; with MQTT 5 it names the sensor in user properties like
 * every forwarded message.
 */
final class ConnectWill {
    private ConnectWill() {
    }

    static void add(MqttMessageBuilders.ConnectBuilder connect, BrokerSession.SensorOwner owner, ProtocolOptions protocol) {
        if (owner == null || owner.will() == null) {
            return;
        }
        UpstreamMessage will = owner.will();
        connect.willFlag(true)
                .willTopic(protocol.topicTemplate().apply(will.topic(), owner.client(), protocol.gatewayId()))
                .willMessage(will.payload())
                .willQoS(MqttQoS.valueOf(will.qos()))
                .willRetain(will.retain());
        if (protocol.isMqtt5()) {
            MqttProperties properties = new MqttProperties();
            properties.add(new MqttProperties.UserProperty(Mqtt5Publish.CLIENT_ID_PROPERTY, owner.client().clientId()));
            properties.add(new MqttProperties.UserProperty(Mqtt5Publish.LINK_PROPERTY, owner.client().linkKind()));
            connect.willProperties(properties);
        }
    }
}
