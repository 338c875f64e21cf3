package io.sngw.core.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"sensor-1", "a", "温度计-7", "exactly-23-bytes-long-x", "node.7_b:c@d"})
    void ordinaryIdsAreValid(String id) {
        assertTrue(ClientIds.isValidSensorId(id), id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../../etc", "a/b", "sensor+1", "sensor#", "a\nSEVERE: forged", "a\u0000", "a\u202e",
            "twenty-four-bytes-long-x", "\ud800"})
    void idsThatBreakTheRuleAreNot(String id) {
        assertFalse(ClientIds.isValidSensorId(id), id);
    }

    @Test
    void theProblemSaysWhatAndWhere() {
        assertEquals("'/' at position 3", ClientIds.problem("../../etc", 23));
        assertEquals("a control character at position 2", ClientIds.problem("a\nb", 23));
        assertEquals("129 bytes", ClientIds.problem("x".repeat(129), ClientIds.MAX_UPSTREAM_ID_BYTES));
        assertNull(ClientIds.problem("x".repeat(128), ClientIds.MAX_UPSTREAM_ID_BYTES));
    }
}
