package io.sngw.transport.serial;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sngw.transport.serial.CollectingSink.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RawFrameDecoderTest {
    private final RawFrameDecoder decoder = new RawFrameDecoder(300);
    private final CollectingSink sink = new CollectingSink();

    private void feed(String hex) {
        byte[] bytes = hex(hex);
        decoder.feed(bytes, 0, bytes.length, sink);
    }

    @Test
    void packetsBackToBackAreSplitByTheirOwnLengthFields() {
        // PINGREQ (2 bytes), a QoS -1 PUBLISH (9 bytes), a 3-byte-length PINGRESP.
        feed("0216" + "090c626162000068 69" + "01000417");
        assertEquals(List.of("0216", "090c6261620000 6869".replace(" ", ""), "01000417"), sink.frames);
        assertEquals(List.of(), sink.errors);
    }

    @Test
    void aPacketSplitAcrossReadsIsReassembled() {
        feed("09");
        feed("0c6261");
        feed("6200006869");
        assertEquals(List.of("090c626162000068 69".replace(" ", "")), sink.frames);
    }

    @Test
    void aPacketCutShortBySilenceIsDiscardedAndTheNextOneDecodes() {
        feed("090c6261");
        decoder.silence(sink);
        feed("0216");
        assertEquals(List.of("0216"), sink.frames);
        assertEquals(List.of(FramingError.TRUNCATED), sink.errors);
    }

    @Test
    void aProtectedFrameIsReadWholeByTheLengthInItsBytesTwoAndThree() {
        feed("0001001a0013a20041b2c3d40000000118f9b6d00c1036f14155 0216");
        assertEquals(List.of("0001001a0013a20041b2c3d40000000118f9b6d00c1036f14155", "0216"), sink.frames);
        assertEquals(List.of(), sink.errors);
    }

    @Test
    void aRadioFrameShorterThanItsHeaderIsImpossible() {
        feed("0001000b 0216");
        decoder.silence(sink);
        assertEquals(List.of(), sink.frames);
        assertEquals(List.of(FramingError.IMPOSSIBLE_LENGTH, FramingError.NOISE), sink.errors);
    }

    @Test
    void aZeroMarkerWithAnImpossibleLengthMakesEverythingUpToTheNextSilenceNoise() {
        feed("00 0216 0216");
        assertEquals(List.of(), sink.frames);
        decoder.silence(sink);
        feed("0216");
        assertEquals(List.of("0216"), sink.frames);
        assertEquals(List.of(FramingError.IMPOSSIBLE_LENGTH, FramingError.NOISE), sink.errors);
    }

    @Test
    void aThreeByteLengthBelowFourIsImpossible() {
        feed("010003 17");
        decoder.silence(sink);
        assertEquals(List.of(FramingError.IMPOSSIBLE_LENGTH, FramingError.NOISE), sink.errors);
    }

    @Test
    void aLengthAboveTheLargestFrameIsImpossible() {
        feed("010400");
        assertEquals(List.of(FramingError.IMPOSSIBLE_LENGTH), sink.errors);
        assertEquals(List.of(), sink.frames);
    }

    @Test
    void aOneByteLengthOfOneIsTheStartOfTheLongFormNotAPacket() {
        feed("01");
        decoder.silence(sink);
        assertEquals(List.of(FramingError.TRUNCATED), sink.errors);
    }

    @Test
    void silenceBetweenWholePacketsIsNotAnError() {
        feed("0216");
        decoder.silence(sink);
        decoder.silence(sink);
        assertEquals(List.of("0216"), sink.frames);
        assertEquals(List.of(), sink.errors);
    }

    @Test
    void anEncapsulationHeaderAndTheMessageItWrapsAreOneFrame() {
        // Length 5 covers 05 FE Ctrl and a 2-byte node id; the inner PINGREQ has its own length.
        feed("05fe01abcd 0216 0216");
        assertEquals(List.of("05fe01abcd0216", "0216"), sink.frames);
    }

    @Test
    void anEncapsulationHeaderWithoutItsMessageBeforeSilenceIsTruncated() {
        feed("05fe01abcd");
        decoder.silence(sink);
        feed("0216");
        assertEquals(List.of("0216"), sink.frames);
        assertEquals(List.of(FramingError.TRUNCATED), sink.errors);
    }
}
