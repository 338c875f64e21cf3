package io.sngw.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Size;

/** The codec's own UTF-8 must agree with the JDK's, lone surrogates included. */
class Utf8Test {

    @Property(tries = 2000)
    void encodesAnyStringExactlyAsStringGetBytes(@ForAll @CharRange(from = '\u0000', to = '\uffff') String s) {
        assertEncodesLikeGetBytes(s);
    }

    @Property(tries = 2000)
    void encodesWellFormedTextExactlyAsStringGetBytes(@ForAll("text") String s) {
        assertEncodesLikeGetBytes(s);
    }

    @Property(tries = 2000)
    void decodesWhatGetBytesWrote(@ForAll("text") String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(s, Utf8.decode(bytes, 0, bytes.length));
    }

    /** Valid exactly when the JDK's lenient decode and re-encode give the same bytes back. */
    @Property(tries = 5000)
    void acceptsExactlyWellFormedUtf8(@ForAll @Size(max = 12) byte[] bytes) {
        boolean wellFormed = Arrays.equals(bytes, new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        assertEquals(wellFormed, Utf8.decode(bytes, 0, bytes.length) != null);
    }

    @Provide
    Arbitrary<String> text() {
        return MqttSnArbitraries.text(0, 40);
    }

    private static void assertEncodesLikeGetBytes(String s) {
        byte[] expected = s.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(expected.length);
        Utf8.write(s, out);
        assertEquals(expected.length, Utf8.length(s));
        assertArrayEquals(expected, out.array());
    }
}
