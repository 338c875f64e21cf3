package io.sngw.transport.serial;

/**
 * Where a decoder puts what it read. Called on the reading thread, in line order. An XBee decoder hands over whole
 * API frames (the frame data, after unescaping and the checksum check); a raw decoder hands over MQTT-SN packets.
 */
public interface FrameSink {

    /** One complete frame: an MQTT-SN packet (raw) or an XBee API frame's data, API identifier first. */
    void frame(byte[] data);

    /** Bytes discarded, for this reason. */
    void error(FramingError reason);
}
