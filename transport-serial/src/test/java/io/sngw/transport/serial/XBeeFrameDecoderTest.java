package io.sngw.transport.serial;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;
import java.util.List;

import static io.sngw.transport.serial.CollectingSink.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XBeeFrameDecoderTest {
    private final CollectingSink sink = new CollectingSink();

    private void feed(XBeeFrameDecoder decoder, byte[] bytes) {
        decoder.feed(bytes, 0, bytes.length, sink);
    }

    @Test
    void aFrameFromTheDigiManualDecodesToItsFrameData() {
        // Digi's example: a Zigbee Receive Packet from 0013A20040522BAA / 7D84 carrying "RxData", API mode 1.
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(false, 256);
        feed(decoder, hex("7E0012900013A20040522BAA7D84015278446174610D"));
        assertEquals(List.of("900013a20040522baa7d84015278446174 61".replace(" ", "")), sink.frames);
        assertEquals(List.of(), sink.errors);
    }

    @Test
    void theExampleInTheFramingDocumentIsAPingReqFromItsNode() {
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(false, 256);
        feed(decoder, hex("7E 00 0E 90 00 13 A2 00 40 52 2B AA 7D 84 01 02 16 39"));
        assertEquals(List.of("900013a20040522baa7d84010216"), sink.frames);
    }

    @Test
    void modeTwoEscapesDelimiterEscapeXonAndXoffAndDecodesThemBack() {
        byte[] data = hex("90 7E 7D 11 13 00 FF 7E");
        byte[] wire = XBeeApi.frame(data, true);
        assertEquals("7e0008907d5e7d5d7d317d3300ff7d5e", HexFormat.of().formatHex(wire, 0, 16));
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(true, 256);
        feed(decoder, wire);
        assertEquals(List.of(HexFormat.of().formatHex(data)), sink.frames);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7E, 0x7D, 0x11, 0x13})
    void modeTwoEscapesASpecialByteInTheLength(int length) {
        byte[] data = new byte[length];
        data[0] = (byte) 0x90;
        byte[] wire = XBeeApi.frame(data, true);
        assertEquals(0x7D, wire[2] & 0xFF, "the length's low byte travels escaped");
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(true, 512);
        feed(decoder, wire);
        assertEquals(1, sink.frames.size());
        assertEquals(length, sink.frames.get(0).length() / 2);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x7E, 0x7D, 0x11, 0x13})
    void modeTwoEscapesASpecialChecksum(int checksum) {
        // One data byte chosen so that 0xFF - sum is the special byte.
        byte[] data = {(byte) 0x90, (byte) (0xFF - checksum - 0x90)};
        byte[] wire = XBeeApi.frame(data, true);
        assertEquals("7d" + HexFormat.of().toHexDigits((byte) (checksum ^ 0x20)),
                HexFormat.of().formatHex(wire, wire.length - 2, wire.length));
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(true, 16);
        feed(decoder, wire);
        assertEquals(List.of(HexFormat.of().formatHex(data)), sink.frames);
    }

    @Test
    void modeOneCarriesSpecialBytesUnescaped() {
        byte[] data = hex("90 7E 7D 11 13");
        byte[] wire = XBeeApi.frame(data, false);
        assertEquals(data.length + 4, wire.length);
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(false, 256);
        feed(decoder, wire);
        assertEquals(List.of(HexFormat.of().formatHex(data)), sink.frames);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBadChecksumIsCountedAndTheNextFrameStillDecodes(boolean escaped) {
        byte[] bad = XBeeApi.frame(hex("8a06"), escaped);
        bad[bad.length - 1] ^= 0x01;
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(escaped, 256);
        feed(decoder, bad);
        feed(decoder, XBeeApi.frame(hex("8a02"), escaped));
        assertEquals(List.of("8a02"), sink.frames);
        assertEquals(List.of(FramingError.BAD_CHECKSUM), sink.errors);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void noiseBetweenFramesIsCountedOncePerRunAndSkipped(boolean escaped) {
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(escaped, 256);
        feed(decoder, hex("00 ff 13 55"));
        feed(decoder, XBeeApi.frame(hex("8a02"), escaped));
        feed(decoder, hex("aa bb"));
        feed(decoder, XBeeApi.frame(hex("8a03"), escaped));
        assertEquals(List.of("8a02", "8a03"), sink.frames);
        assertEquals(List.of(FramingError.NOISE, FramingError.NOISE), sink.errors);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFrameSplitIntoSingleBytesIsReassembled(boolean escaped) {
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(escaped, 256);
        byte[] wire = XBeeApi.frame(XBeeApi.receivePacket(0x0013A20040A1B2C3L, 0x7E11, 1, hex("7e7d1113")), escaped);
        for (byte b : wire) {
            feed(decoder, new byte[] {b});
        }
        assertEquals(1, sink.frames.size());
        assertEquals(List.of(), sink.errors);
    }

    @Test
    void inModeTwoABareDelimiterCutsTheFrameBeforeItShort() {
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(true, 256);
        byte[] whole = XBeeApi.frame(hex("8a02"), true);
        feed(decoder, new byte[] {whole[0], whole[1], whole[2]});
        feed(decoder, XBeeApi.frame(hex("8a03"), true));
        assertEquals(List.of("8a03"), sink.frames);
        assertEquals(List.of(FramingError.TRUNCATED), sink.errors);
    }

    @Test
    void silenceInsideAFrameTruncatesIt() {
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(false, 256);
        feed(decoder, hex("7e00058a"));
        decoder.silence(sink);
        feed(decoder, XBeeApi.frame(hex("8a03"), false));
        assertEquals(List.of("8a03"), sink.frames);
        assertEquals(List.of(FramingError.TRUNCATED), sink.errors);
    }

    @Test
    void anEscapeOfAByteThatIsNeverEscapedIsBad() {
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(true, 256);
        feed(decoder, hex("7e 00 7d 41"));
        assertEquals(List.of(FramingError.BAD_ESCAPE), sink.errors);
    }

    @Test
    void lengthsOfZeroAndAboveTheLargestFrameAreImpossible() {
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(false, 16);
        feed(decoder, hex("7e0000 7e0100"));
        assertEquals(List.of(FramingError.IMPOSSIBLE_LENGTH, FramingError.IMPOSSIBLE_LENGTH), sink.errors);
        assertTrue(sink.frames.isEmpty());
    }
}
