package io.sngw.core.codec;

import static io.sngw.core.codec.MalformedReason.BAD_BODY_LENGTH;
import static io.sngw.core.codec.MalformedReason.BAD_CLIENT_ID;
import static io.sngw.core.codec.MalformedReason.BAD_ENCAPSULATION;
import static io.sngw.core.codec.MalformedReason.BAD_PROTOCOL_ID;
import static io.sngw.core.codec.MalformedReason.BAD_QOS;
import static io.sngw.core.codec.MalformedReason.BAD_RETURN_CODE;
import static io.sngw.core.codec.MalformedReason.BAD_TOPIC;
import static io.sngw.core.codec.MalformedReason.BAD_TOPIC_ID_TYPE;
import static io.sngw.core.codec.MalformedReason.INVALID_LENGTH;
import static io.sngw.core.codec.MalformedReason.LENGTH_MISMATCH;
import static io.sngw.core.codec.MalformedReason.RESERVED_TYPE;
import static io.sngw.core.codec.MalformedReason.TOO_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.sngw.core.codec.DecodeResult.Malformed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each way a datagram can be malformed, and the reason the decoder gives for it. */
class MqttSnCodecMalformedTest {

    // --- Frame: Length field against the datagram

    @Test
    void emptyDatagramIsTooShort() {
        assertMalformed(TOO_SHORT, "", "datagram has 0 byte(s), need at least 2 (Length and MsgType)");
    }

    @Test
    void oneByteDatagramIsTooShort() {
        assertMalformed(TOO_SHORT, "02");
    }

    @Test
    void lengthFieldZeroIsInvalid() {
        assertMalformed(INVALID_LENGTH, "00 16", "length field 0");
    }

    @Test
    void lengthOneWithoutRoomForTheThreeByteFormIsInvalid() {
        assertMalformed(INVALID_LENGTH, "01 16");
        assertMalformed(INVALID_LENGTH, "01 00 04",
                "length byte 0x01 announces the 3-byte form but the datagram has only 3 bytes");
    }

    @Test
    void threeByteTotalUnderFourIsInvalid() {
        assertMalformed(INVALID_LENGTH, "01 00 03 16", "3-byte length field 3 is under 4");
        assertMalformed(INVALID_LENGTH, "01 00 00 16");
    }

    @Test
    void lengthFieldLongerThanDatagramIsRejected() {
        assertMalformed(LENGTH_MISMATCH, "0b 0c 00 00 01 00 00 32 31", "length field 11 but datagram has 9 bytes");
    }

    @Test
    void lengthFieldShorterThanDatagramIsRejected() {
        assertMalformed(LENGTH_MISMATCH, "03 05 00 00", "length field 3 but datagram has 4 bytes");
    }

    @Test
    void threeByteLengthDisagreeingWithDatagramIsRejected() {
        assertMalformed(LENGTH_MISMATCH, "01 00 07 0e 00 03", "length field 7 but datagram has 6 bytes");
        assertMalformed(LENGTH_MISMATCH, "01 01 35 0c 00 00 01 00 00 61");
    }

    // --- MsgType

    @ParameterizedTest(name = "type 0x{0}")
    @ValueSource(strings = {"03", "11", "19", "1e", "80", "fd", "ff"})
    void reservedTypeIsRejected(String code) {
        assertMalformed(RESERVED_TYPE, "02 " + code, "reserved message type 0x" + code);
    }

    // --- Body sizes

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "ADVERTISE, 04 00 01 03", "ADVERTISE, 06 00 01 03 84 00",
            "SEARCHGW, 02 01", "SEARCHGW, 04 01 01 01",
            "CONNACK, 02 05", "CONNACK, 04 05 00 00",
            "WILLTOPICREQ, 03 06 00", "WILLMSGREQ, 03 08 00", "PINGRESP, 03 17 00",
            "REGACK, 06 0b 00 01 00 01", "REGACK, 08 0b 00 01 00 01 00 00",
            "PUBACK, 06 0d 00 01 00 02", "PUBACK, 08 0d 00 01 00 02 00 00",
            "PUBCOMP, 03 0e 00", "PUBCOMP, 05 0e 00 03 00",
            "PUBREC, 03 0f 00", "PUBREC, 05 0f 00 03 00",
            "PUBREL, 03 10 00", "PUBREL, 05 10 00 03 00",
            "SUBACK, 07 13 20 00 00 00 05", "SUBACK, 09 13 20 00 00 00 05 00 00",
            "UNSUBACK, 03 15 00", "UNSUBACK, 05 15 00 09 00",
            "WILLTOPICRESP, 02 1b", "WILLTOPICRESP, 04 1b 00 00",
            "WILLMSGRESP, 02 1d", "WILLMSGRESP, 04 1d 00 00"})
    void fixedSizeMessageWithWrongBodySizeIsRejected(String type, String hex) {
        assertEquals(type, assertMalformed(BAD_BODY_LENGTH, hex).detail().split(" ")[0]);
    }

    @Test
    void fixedSizeDetailGivesBothSizes() {
        assertMalformed(BAD_BODY_LENGTH, "04 05 00 00", "CONNACK body has 2 bytes, expected 1");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "GWINFO, 02 02",
            "CONNECT, 05 04 04 01 00",
            "REGISTER, 05 0a 00 00 00",
            "PUBLISH, 06 0c 00 00 01 00",
            "SUBSCRIBE, 04 12 20 00",
            "UNSUBSCRIBE, 04 14 00 00"})
    void variableSizeMessageUnderItsMinimumIsRejected(String type, String hex) {
        assertEquals(type, assertMalformed(BAD_BODY_LENGTH, hex).detail().split(" ")[0]);
    }

    @Test
    void publishUnderItsHeaderSizeNamesTheMinimum() {
        assertMalformed(BAD_BODY_LENGTH, "06 0c 00 00 01 00", "PUBLISH body has 4 bytes, expected at least 5");
    }

    @Test
    void disconnectWithOneByteBodyIsRejected() {
        assertMalformed(BAD_BODY_LENGTH, "03 18 01", "DISCONNECT body has 1 byte, expected 0 or 2");
    }

    @Test
    void disconnectWithBodyOverTwoBytesIsRejected() {
        assertMalformed(BAD_BODY_LENGTH, "05 18 01 2c 00", "DISCONNECT body has 3 bytes, expected 0..2");
    }

    @Test
    void subscribeToPredefinedIdWithoutExactlyTwoBytesIsRejected() {
        assertMalformed(BAD_BODY_LENGTH, "06 12 01 00 06 00",
                "SUBSCRIBE with a predefined topic id has 1 topic bytes, expected 2");
        assertMalformed(BAD_BODY_LENGTH, "08 12 01 00 06 00 05 00");
    }

    @Test
    void subscribeToShortNameWithoutExactlyTwoBytesIsRejected() {
        assertMalformed(BAD_BODY_LENGTH, "08 12 02 00 07 61 62 63",
                "SUBSCRIBE with a short topic name has 3 topic bytes, expected 2");
    }

    @Test
    void unsubscribeFromShortNameWithoutExactlyTwoBytesIsRejected() {
        assertMalformed(BAD_BODY_LENGTH, "05 14 02 00 09");
    }

    // --- TopicIdType

    @Test
    void reservedTopicIdTypeInPublishIsRejected() {
        assertMalformed(BAD_TOPIC_ID_TYPE, "08 0c 03 00 05 00 00 78", "reserved topic id type 0b11 in PUBLISH");
    }

    @Test
    void reservedTopicIdTypeInSubscribeIsRejected() {
        assertMalformed(BAD_TOPIC_ID_TYPE, "07 12 03 00 06 00 05");
    }

    @Test
    void reservedTopicIdTypeInUnsubscribeIsRejected() {
        assertMalformed(BAD_TOPIC_ID_TYPE, "07 14 03 00 06 00 05");
    }

    // --- Topic names

    @Test
    void subscribeWithEmptyTopicNameIsRejected() {
        assertMalformed(BAD_TOPIC, "05 12 00 00 05", "SUBSCRIBE has an empty topic name");
    }

    @Test
    void unsubscribeWithEmptyTopicNameIsRejected() {
        assertMalformed(BAD_TOPIC, "05 14 00 00 09");
    }

    @Test
    void registerWithEmptyTopicNameIsRejected() {
        assertMalformed(BAD_TOPIC, "06 0a 00 00 00 01", "REGISTER has an empty topic name");
    }

    @Test
    void registerWithInvalidUtf8TopicIsRejected() {
        assertMalformed(BAD_TOPIC, "08 0a 00 00 00 01 61 ff", "REGISTER topic name (2 bytes) is not valid UTF-8");
    }

    @Test
    void subscribeWithTruncatedMultiByteCharacterIsRejected() {
        assertMalformed(BAD_TOPIC, "07 12 00 00 05 61 c3");
    }

    @Test
    void subscribeWithEncodedSurrogateIsRejected() {
        assertMalformed(BAD_TOPIC, "08 12 00 00 05 ed a0 80"); // U+D800 in UTF-8 form: not valid UTF-8
    }

    @Test
    void willTopicWithOverlongEncodingIsRejected() {
        assertMalformed(BAD_TOPIC, "05 07 00 c0 af"); // '/' encoded in 2 bytes: overlong, not valid UTF-8
    }

    @Test
    void willTopicUpdWithInvalidUtf8IsRejected() {
        assertMalformed(BAD_TOPIC, "04 1a 00 80", "WILLTOPICUPD topic name (1 bytes) is not valid UTF-8");
    }

    // --- CONNECT and ClientId

    @Test
    void connectWithWrongProtocolIdIsRejected() {
        assertMalformed(BAD_PROTOCOL_ID, "08 04 04 02 00 1e 73 32", "protocol id 0x02, expected 0x01");
    }

    @Test
    void connectWithoutClientIdIsRejected() {
        assertMalformed(BAD_CLIENT_ID, "06 04 04 01 00 1e", "client id has 0 bytes, expected 1..23");
    }

    @Test
    void connectWithClientIdOver23BytesIsRejected() {
        assertMalformed(BAD_CLIENT_ID, connect("61".repeat(24)), "client id has 24 bytes, expected 1..23");
    }

    @Test
    void connectWithInvalidUtf8ClientIdIsRejected() {
        assertMalformed(BAD_CLIENT_ID, connect("73 fe"), "client id (2 bytes) is not valid UTF-8");
    }

    @Test
    void pingReqWithClientIdOver23BytesIsRejected() {
        assertMalformed(BAD_CLIENT_ID, "1a 16 " + "61 ".repeat(24));
    }

    @Test
    void pingReqWithInvalidUtf8ClientIdIsRejected() {
        assertMalformed(BAD_CLIENT_ID, "04 16 e2 82"); // the first two bytes of a 3-byte character
    }

    // --- QoS -1 outside PUBLISH

    @Test
    void qosMinusOneInSubscribeIsRejected() {
        assertMalformed(BAD_QOS, "07 12 61 00 06 00 05", "QoS bits 0b11 (-1) in SUBSCRIBE, allowed only in PUBLISH");
    }

    @Test
    void qosMinusOneInWillTopicIsRejected() {
        assertMalformed(BAD_QOS, "0a 07 60 64 65 61 64 2f 73 32");
    }

    @Test
    void qosMinusOneInWillTopicFlagsWithoutTopicIsRejected() {
        assertMalformed(BAD_QOS, "03 07 60");
    }

    @Test
    void qosMinusOneInWillTopicUpdIsRejected() {
        assertMalformed(BAD_QOS, "0a 1a 60 64 65 61 64 2f 73 33");
    }

    @Test
    void qosMinusOneGrantedInSubAckIsRejected() {
        assertMalformed(BAD_QOS, "08 13 60 00 03 00 08 00");
    }

    // --- Return codes

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "CONNACK, 03 05 04",
            "REGACK, 07 0b 00 01 00 01 80",
            "PUBACK, 07 0d 00 01 00 02 ff",
            "SUBACK, 08 13 20 00 03 00 08 04",
            "WILLTOPICRESP, 03 1b 05",
            "WILLMSGRESP, 03 1d 10"})
    void reservedReturnCodeIsRejected(String type, String hex) {
        String detail = assertMalformed(BAD_RETURN_CODE, hex).detail();
        assertEquals(type, detail.substring(detail.lastIndexOf(' ') + 1));
    }

    @Test
    void reservedReturnCodeDetailGivesTheCode() {
        assertMalformed(BAD_RETURN_CODE, "03 05 04", "reserved return code 0x04 in CONNACK");
    }

    // --- Encapsulation

    @Test
    void encapsulationWithReservedCtrlBitsIsRejected() {
        assertMalformed(BAD_ENCAPSULATION, "07 fe 05 00 13 a2 00 02 16", "ctrl byte 0x05 has reserved bits 7..2 set");
    }

    @Test
    void encapsulationWithoutInnerMessageIsRejected() {
        assertMalformed(BAD_ENCAPSULATION, "07 fe 01 00 13 a2 00", "no inner message after the 7-byte encapsulation header");
    }

    @Test
    void encapsulationLengthBeyondDatagramIsRejected() {
        assertMalformed(LENGTH_MISMATCH, "07 fe 01 00 13", "encapsulation length field 7 but datagram has 5 bytes");
    }

    @Test
    void encapsulationWithoutCtrlByteIsRejected() {
        assertMalformed(BAD_BODY_LENGTH, "02 fe 02 16", "ENCAPSULATED body has 0 bytes, expected at least 1");
    }

    private static String connect(String clientIdHex) {
        byte[] clientId = Hex.bytes(clientIdHex);
        return String.format("%02x 04 04 01 00 1e %s", 6 + clientId.length, Hex.of(clientId));
    }

    private static Malformed assertMalformed(MalformedReason reason, String hex) {
        Malformed malformed = assertInstanceOf(Malformed.class, MqttSnCodec.decode(Hex.bytes(hex)));
        assertEquals(reason, malformed.reason(), malformed::toString);
        return malformed;
    }

    private static void assertMalformed(MalformedReason reason, String hex, String detail) {
        assertEquals(detail, assertMalformed(reason, hex).detail());
    }
}
