package io.sngw.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sngw.core.codec.DecodeResult.Decoded;
import io.sngw.core.codec.MqttSnMessage.Connect;
import io.sngw.core.codec.MqttSnMessage.Encapsulated;
import io.sngw.core.codec.MqttSnMessage.GwInfo;
import io.sngw.core.codec.MqttSnMessage.PubComp;
import io.sngw.core.codec.MqttSnMessage.Publish;
import io.sngw.core.codec.MqttSnMessage.Register;
import io.sngw.core.codec.MqttSnMessage.Subscribe;
import io.sngw.core.codec.MqttSnMessage.Unsubscribe;
import io.sngw.core.codec.MqttSnMessage.WillTopic;
import io.sngw.core.codec.MqttSnMessage.WillTopicUpd;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Length forms, buffers, ranges and the lenient readings the codec allows on purpose. */
class MqttSnCodecFramingTest {

    // --- Length forms

    @Test
    void threeByteFormIsAcceptedForShortMessages() {
        assertDecodes(new PubComp(3), "01 00 06 0e 00 03");
    }

    @Test
    void oneByteFormIsUsedUpToTotal255() {
        byte[] wire = MqttSnCodec.encode(publishWithPayload(248));
        assertEquals(255, wire.length);
        assertEquals(255, wire[0] & 0xFF);
        assertDecodes(publishWithPayload(248), wire);
    }

    @Test
    void threeByteFormIsUsedAboveTotal255() {
        byte[] wire = MqttSnCodec.encode(publishWithPayload(249));
        assertEquals(258, wire.length);
        assertEquals("01 01 02 0c", Hex.of(wire).substring(0, 11));
        assertDecodes(publishWithPayload(249), wire);
    }

    @Test
    void largestMessageIs65535Bytes() {
        byte[] wire = MqttSnCodec.encode(publishWithPayload(65_526));
        assertEquals(65_535, wire.length);
        assertDecodes(publishWithPayload(65_526), wire);
    }

    @Test
    void encodingAMessageOver65535BytesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MqttSnCodec.encodedLength(publishWithPayload(65_527)));
        assertThrows(IllegalArgumentException.class, () -> MqttSnCodec.encode(publishWithPayload(65_527)));
    }

    // --- Buffers and ranges

    @Test
    void encodeWritesBigEndianEvenIntoALittleEndianBuffer() {
        ByteBuffer out = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
        MqttSnCodec.encode(new MqttSnMessage.Advertise(1, 900), out);
        assertEquals("05 00 01 03 84", Hex.of(out.array()));
    }

    @Test
    void encodeWritesAtTheBufferPosition() {
        ByteBuffer out = ByteBuffer.allocate(6);
        out.put((byte) 0x77);
        MqttSnCodec.encode(new PubComp(3), out);
        assertEquals(5, out.position());
        assertEquals("77 04 0e 00 03 00", Hex.of(out.array()));
    }

    @Test
    void encodeIntoTooSmallBufferThrowsBeforeWriting() {
        ByteBuffer out = ByteBuffer.allocate(3);
        assertThrows(BufferOverflowException.class, () -> MqttSnCodec.encode(new PubComp(3), out));
        assertEquals(0, out.position());
        assertEquals("00 00 00", Hex.of(out.array()));
    }

    @Test
    void decodeReadsOnlyTheGivenRange() {
        byte[] surrounded = Hex.bytes("ff ff 04 0e 00 03 ff");
        assertEquals(new Decoded(new PubComp(3)), MqttSnCodec.decode(surrounded, 2, 4));
    }

    @Test
    void decodeOfARangeOutsideTheArrayIsACallerBug() {
        assertThrows(IndexOutOfBoundsException.class, () -> MqttSnCodec.decode(new byte[4], 2, 3));
    }

    // --- Strings

    @Test
    void clientIdOf23BytesIsAccepted() {
        String id = "x".repeat(23);
        assertDecodes(new Connect(false, false, 10, id), MqttSnCodec.encode(new Connect(false, false, 10, id)));
    }

    @Test
    void clientIdIsCountedInBytesNotCharacters() {
        String elevenTwoByteChars = "é".repeat(11); // 22 bytes
        byte[] wire = MqttSnCodec.encode(new Connect(false, true, 10, elevenTwoByteChars));
        assertDecodes(new Connect(false, true, 10, elevenTwoByteChars), wire);
    }

    @Test
    void nonAsciiTopicNamesRoundTrip() {
        Subscribe subscribe = new Subscribe(false, 1, 5, new TopicRef.Name("maison/température/😀"));
        assertDecodes(subscribe, MqttSnCodec.encode(subscribe));
    }

    @Test
    void shortTopicNameMapsBytesToCharactersOneToOne() {
        // A short name is two raw bytes, not UTF-8: c3 a9 is two characters here, not 'é'.
        assertDecodes(new Subscribe(false, 0, 7, new TopicRef.Short("\u00c3\u00a9")), "07 12 02 00 07 c3 a9");
    }

    @Test
    void unpairedSurrogateIsEncodedAsQuestionMarkLikeStringGetBytes() {
        Register register = new Register(0, 1, "a\ud800");
        byte[] wire = MqttSnCodec.encode(register);
        assertEquals(MqttSnCodec.encodedLength(register), wire.length);
        assertEquals("08 0a 00 00 00 01 61 3f", Hex.of(wire));
    }

    // --- Lenient readings

    @Test
    void willTopicFlagsWithoutTopicDecodeAsNoWill() {
        assertDecodes(WillTopic.none(), "03 07 30");
    }

    @Test
    void willTopicUpdBareFormDecodesToEmptyTopic() {
        assertDecodes(new WillTopicUpd(0, false, ""), "02 1a");
        assertDecodes(new WillTopicUpd(0, false, ""), "03 1a 00");
    }

    @Test
    void emptyWillTopicIsEncodedAsTheBareFormWhateverItsFlags() {
        assertEquals("02 07", Hex.of(MqttSnCodec.encode(new WillTopic(1, true, ""))));
        assertEquals("02 1a", Hex.of(MqttSnCodec.encode(new WillTopicUpd(2, false, ""))));
    }

    @Test
    void publishAtQosMinusOneWithRegisteredIdIsLeftToTheGateway() {
        assertDecodes(new Publish(false, -1, false, new TopicRef.Registered(5), 0, new byte[] {'x'}),
                "08 0c 60 00 05 00 00 78");
    }

    @Test
    void flagBitsAMessageDoesNotUseAreIgnored() {
        assertDecodes(new Connect(false, true, 30, "s2"), "08 04 f4 01 00 1e 73 32");
        assertDecodes(new Unsubscribe(9, new TopicRef.Predefined(5)), "07 14 e1 00 09 00 05");
    }

    // --- GWINFO and encapsulation

    @Test
    void gwInfoCarriesTheAddressAClientAnswersWith() {
        assertDecodes(new GwInfo(1, Hex.bytes("c0 a8 01 02")), "07 02 01 c0 a8 01 02");
    }

    @Test
    void encapsulationMayHaveAnEmptyWirelessNodeId() {
        assertDecodes(new Encapsulated(0, new byte[0], Hex.bytes("02 16")), "03 fe 00 02 16");
    }

    @Test
    void encapsulatedInnerBytesAreKeptRawWithoutValidation() {
        assertDecodes(new Encapsulated(3, Hex.bytes("01"), Hex.bytes("ff")), "04 fe 03 01 ff");
    }

    @Test
    void encapsulationWithLongNodeIdUsesTheThreeByteForm() {
        Encapsulated encapsulated = new Encapsulated(2, new byte[300], Hex.bytes("02 17"));
        byte[] wire = MqttSnCodec.encode(encapsulated);
        assertEquals(305 + 2, wire.length);
        assertEquals("01 01 31 fe 02", Hex.of(wire).substring(0, 14));
        assertDecodes(encapsulated, wire);
    }

    private static Publish publishWithPayload(int bytes) {
        return new Publish(false, 0, false, new TopicRef.Registered(1), 0, new byte[bytes]);
    }

    private static void assertDecodes(MqttSnMessage expected, String hex) {
        assertDecodes(expected, Hex.bytes(hex));
    }

    private static void assertDecodes(MqttSnMessage expected, byte[] wire) {
        assertEquals(new Decoded(expected), MqttSnCodec.decode(wire));
    }
}
