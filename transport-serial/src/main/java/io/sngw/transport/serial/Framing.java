package io.sngw.transport.serial;

import java.util.List;

/**
 * How MQTT-SN packets travel on a serial line (docs/serial-framing.md has them byte by byte): bare packets
 * ({@link Raw}), or inside Digi XBee API frames ({@link XBee}, mode 1 or the escaped mode 2).
 */
public sealed interface Framing permits Framing.Raw, Framing.XBee {

    /** The configuration names, in the order the documentation lists them. */
    List<String> NAMES = List.of("raw", "xbee-api1", "xbee-api2");

    /** The configuration name: raw, xbee-api1 or xbee-api2. */
    String configName();

    /** A fresh reader for one line; frames longer than {@code maxLength} are impossible. */
    FrameDecoder decoder(int maxLength);

    /** The framing a configuration name stands for. */
    static Framing of(String name) {
        return switch (name) {
            case "raw" -> new Raw();
            case "xbee-api1" -> new XBee(false);
            case "xbee-api2" -> new XBee(true);
            default -> throw new IllegalArgumentException("unknown framing " + name + "; expected one of " + NAMES);
        };
    }

    /** Bare MQTT-SN packets, each delimited by its own Length field, as mqtt-sn-serial-bridge speaks. */
    record Raw() implements Framing {
        @Override
        public String configName() {
            return "raw";
        }

        @Override
        public FrameDecoder decoder(int maxLength) {
            return new RawFrameDecoder(maxLength);
        }
    }

    /** XBee API frames (0x90 in, 0x10 out); {@code escaped} is API mode 2. */
    record XBee(boolean escaped) implements Framing {
        @Override
        public String configName() {
            return escaped ? "xbee-api2" : "xbee-api1";
        }

        @Override
        public FrameDecoder decoder(int maxLength) {
            return new XBeeFrameDecoder(escaped, maxLength);
        }

        /** One frame on the wire around {@code frameData}. */
        public byte[] frame(byte[] frameData) {
            return XBeeApi.frame(frameData, escaped);
        }
    }
}
