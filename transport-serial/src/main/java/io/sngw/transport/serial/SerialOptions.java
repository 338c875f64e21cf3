package io.sngw.transport.serial;

import io.sngw.core.linksec.LinkSecurity;

import java.util.Objects;

/**
 * One serial link: the port, the framing, and the bounds of what it holds.
 *
 * @param port         how to open the port and keep it open
 * @param framing      raw or XBee API
 * @param maxFrame     the longest frame read (raw: MQTT-SN packet; XBee: frame data); longer lengths are impossible
 * @param writeQueue   messages waiting for the port; beyond, new ones are dropped and counted
 * @param radioPayload XBee: the most RF data one Transmit Request may carry (the module's ATNP)
 * @param security     the link's protection policy ({@code link-security}), optional by default on serial ports
 */
public record SerialOptions(SerialPortSettings port, Framing framing, int maxFrame, int writeQueue,
                            int radioPayload, LinkSecurity security) {
    public static final int DEFAULT_WRITE_QUEUE = 256;
    /** XBee 3 Zigbee without APS encryption (ATNP); DigiMesh modules carry 73. */
    public static final int DEFAULT_RADIO_PAYLOAD = 84;
    public static final int DEFAULT_MAX_FRAME = 2048;

    public SerialOptions {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(security, "security");
        if (maxFrame < 16 || maxFrame > 0xFFFF || writeQueue < 1 || radioPayload < 1) {
            throw new IllegalArgumentException("bad bounds: maxFrame " + maxFrame + ", writeQueue " + writeQueue
                    + ", radioPayload " + radioPayload);
        }
    }

    /** A port with the default protection policy (optional). */
    public SerialOptions(SerialPortSettings port, Framing framing, int maxFrame, int writeQueue, int radioPayload) {
        this(port, framing, maxFrame, writeQueue, radioPayload, LinkSecurity.OPTIONAL);
    }

    /** The defaults for a port: 8N1, no flow control, at {@code baud}. */
    public static SerialOptions of(String device, int baud, Framing framing) {
        return new SerialOptions(SerialPortSettings.of(device, baud), framing, DEFAULT_MAX_FRAME, DEFAULT_WRITE_QUEUE,
                DEFAULT_RADIO_PAYLOAD);
    }

    public SerialOptions withPort(SerialPortSettings newPort) {
        return new SerialOptions(newPort, framing, maxFrame, writeQueue, radioPayload, security);
    }

    public SerialOptions withWriteQueue(int newWriteQueue) {
        return new SerialOptions(port, framing, maxFrame, newWriteQueue, radioPayload, security);
    }

    public SerialOptions withRadioPayload(int newRadioPayload) {
        return new SerialOptions(port, framing, maxFrame, writeQueue, newRadioPayload, security);
    }

    public SerialOptions withSecurity(LinkSecurity newSecurity) {
        return new SerialOptions(port, framing, maxFrame, writeQueue, radioPayload, newSecurity);
    }
}
