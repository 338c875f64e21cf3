package io.sngw.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sngw.core.codec.DecodeResult.Decoded;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/** Round trips of valid messages, and decoding of anything at all without an exception. */
class MqttSnCodecPropertiesTest {

    @Property(tries = 3000)
    void everyValidMessageRoundTrips(@ForAll("messages") MqttSnMessage message) {
        byte[] wire = MqttSnCodec.encode(message);

        assertEquals(MqttSnCodec.encodedLength(message), wire.length);
        assertEquals(new Decoded(message), MqttSnCodec.decode(wire));

        Statistics.label("type").collect(message.type());
        Statistics.label("type").coverage(coverage -> {
            for (MsgType type : MsgType.values()) {
                coverage.check(type).count((Integer n) -> n > 0);
            }
        });
        Statistics.label("length form").collect(wire[0] == Decoder.THREE_BYTE_MARKER ? "3-byte" : "1-byte");
        Statistics.label("length form").coverage(coverage -> coverage.check("3-byte").count((Integer n) -> n >= 30));
    }

    @Property(tries = 5000)
    void randomBytesNeverMakeDecodeThrow(@ForAll @Size(max = 300) byte[] datagram) {
        assertDecodeIsSafe(datagram);
    }

    @Property(tries = 5000)
    void randomBodiesInAConsistentFrameNeverMakeDecodeThrow(@ForAll("framedRandomBodies") byte[] datagram) {
        assertDecodeIsSafe(datagram);
    }

    @Property(tries = 5000)
    void mutatedValidMessagesNeverMakeDecodeThrow(@ForAll("mutatedMessages") byte[] datagram) {
        assertDecodeIsSafe(datagram);
    }

    /** Every datagram of up to 3 bytes, all 16.8 million of them: the corners random search may miss. */
    @Example
    void noDatagramOfUpToThreeBytesMakesDecodeThrow() {
        byte[] datagram = new byte[3];
        for (int value = 0; value < 1 << 24; value++) {
            datagram[0] = (byte) (value >> 16);
            datagram[1] = (byte) (value >> 8);
            datagram[2] = (byte) value;
            MqttSnCodec.decode(datagram, 0, 3);
            if (value < 1 << 16) {
                MqttSnCodec.decode(datagram, 1, 2);
                MqttSnCodec.decode(datagram, 2, 1);
                MqttSnCodec.decode(datagram, 0, 0);
            }
        }
    }

    /** Whatever the decoder accepts must not throw, and must survive an encode/decode round trip unchanged. */
    private static void assertDecodeIsSafe(byte[] datagram) {
        DecodeResult result = MqttSnCodec.decode(datagram);
        if (result instanceof Decoded decoded) {
            assertEquals(result, MqttSnCodec.decode(MqttSnCodec.encode(decoded.message())));
        }
        Statistics.collect(result instanceof DecodeResult.Malformed m ? m.reason() : "decoded");
    }

    @Provide
    Arbitrary<MqttSnMessage> messages() {
        return MqttSnArbitraries.messages();
    }

    /** A correct 1-byte Length and a known MsgType around random bytes, so the body checks get exercised. */
    @Provide
    Arbitrary<byte[]> framedRandomBodies() {
        return Combinators.combine(Arbitraries.of(MsgType.class), MqttSnArbitraries.bytes(0, 40)).as((type, body) -> {
            byte[] datagram = new byte[2 + body.length];
            datagram[0] = (byte) datagram.length;
            datagram[1] = (byte) type.code();
            System.arraycopy(body, 0, datagram, 2, body.length);
            return datagram;
        });
    }

    @Provide
    Arbitrary<byte[]> mutatedMessages() {
        Arbitrary<List<Mutation>> mutations = Combinators.combine(
                Arbitraries.of(Mutation.Kind.class), Arbitraries.integers().greaterOrEqual(0), Arbitraries.bytes())
                .as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(MqttSnArbitraries.messages(), mutations)
                .as((message, edits) -> Mutation.applyAll(MqttSnCodec.encode(message), edits));
    }

    private record Mutation(Kind kind, int position, byte value) {
        enum Kind { OVERWRITE, TRUNCATE, APPEND, INSERT }

        static byte[] applyAll(byte[] bytes, List<Mutation> mutations) {
            for (Mutation mutation : mutations) {
                bytes = mutation.apply(bytes);
            }
            return bytes;
        }

        byte[] apply(byte[] bytes) {
            int at = position % (bytes.length + 1);
            return switch (kind) {
                case OVERWRITE -> {
                    byte[] copy = bytes.clone();
                    if (at < copy.length) {
                        copy[at] = value;
                    }
                    yield copy;
                }
                case TRUNCATE -> Arrays.copyOf(bytes, at);
                case APPEND -> {
                    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
                    longer[bytes.length] = value;
                    yield longer;
                }
                case INSERT -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = value;
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    yield longer;
                }
            };
        }
    }
}
