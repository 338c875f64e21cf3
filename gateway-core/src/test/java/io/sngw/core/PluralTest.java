package io.sngw.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PluralTest {

    @Test
    void oneIsSingularEverythingElsePlural() {
        assertEquals("1 message", Plural.of(1, "message"));
        assertEquals("0 messages", Plural.of(0, "message"));
        assertEquals("2 messages", Plural.of(2, "message"));
        assertEquals("1 byte", Plural.of(1, "byte"));
    }
}
