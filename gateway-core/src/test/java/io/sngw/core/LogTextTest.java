package io.sngw.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTextTest {
    @Test
    void aNewlineCannotStartALineOfItsOwn() {
        String escaped = LogText.escape("id\nSEVERE: forged line");
        assertEquals("id\\nSEVERE: forged line", escaped);
        assertFalse(escaped.contains("\n"));
    }

    @Test
    void controlLineSeparatorAndBidiCharactersBecomeVisibleEscapes() {
        assertEquals("a\\r\\t\\u001b[31m\\u0085\\u2028\\u202eb", LogText.escape("a\r\t\u001b[31m\u0085\u2028\u202eb"));
    }

    @Test
    void plainTextIsReturnedAsItIs() {
        String plain = "sensors/temp ü 温度";
        assertSame(plain, LogText.escape(plain));
    }

    @Test
    void quoteEscapesQuotesAndCutsLongValues() {
        assertEquals("\"a\\\"b\\\\c\\n\"", LogText.quote("a\"b\\c\n"));
        String quoted = LogText.quote("x".repeat(1 << 20));
        assertTrue(quoted.endsWith("\"… (1048576 chars)"), quoted.substring(quoted.length() - 30));
        assertTrue(quoted.length() < LogText.MAX_SHOWN + 30);
    }
}
