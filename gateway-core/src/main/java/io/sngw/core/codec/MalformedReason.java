package io.sngw.core.codec;

/** Why an input was rejected; each reason has its own counter in the gateway's metrics. */
public enum MalformedReason {
    /** Fewer bytes than a length field and a type. */
    TOO_SHORT,
    /** The Length field is 0, or 1 without the 3-byte form, or a 3-byte form for a length under 256 bytes is fine but one under 4 is not. */
    INVALID_LENGTH,
    /** The Length field disagrees with the number of bytes in the datagram or frame. */
    LENGTH_MISMATCH,
    /** A reserved MsgType. */
    RESERVED_TYPE,
    /** The body is shorter than its type requires, or longer where the type has a fixed size. */
    BAD_BODY_LENGTH,
    /** TopicIdType 0b11, or a TopicIdType the message type does not allow. */
    BAD_TOPIC_ID_TYPE,
    /** CONNECT with a ProtocolId other than 0x01. */
    BAD_PROTOCOL_ID,
    /** ClientId empty, over 23 bytes, or not UTF-8. */
    BAD_CLIENT_ID,
    /** An empty or non-UTF-8 topic name where one is required. */
    BAD_TOPIC,
    /** QoS bits 0b11 (-1) where only 0..2 is allowed. */
    BAD_QOS,
    /** A reserved return code. */
    BAD_RETURN_CODE,
    /** Encapsulated message whose inner part is missing or whose control byte has reserved bits set. */
    BAD_ENCAPSULATION
}
