package io.sngw.core;

import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.UpstreamMessage;

/** A client's last will, published by the gateway when the client is lost. */
record Will(String topic, byte[] message, int qos, boolean retain) {
    UpstreamMessage toUpstream(ClientRef client) {
        return new UpstreamMessage(topic, message, qos, retain, client);
    }
}
