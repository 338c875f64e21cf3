package io.sngw.deploy.http;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The endpoint's JSON: what it writes, and that the CLI reads it back as it was. */
class JsonTest {

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", Json.write("a\"b\\c\nd\u0001"));
    }

    @Test
    void mapsKeepTheirOrderAndNullsStayNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1);
        m.put("a", Arrays.asList(true, null, "x"));
        assertEquals("{\"b\":1,\"a\":[true,null,\"x\"]}", Json.write(m));
    }

    @Test
    void whatIsWrittenIsReadBackAsItWas() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientId", "<\"odd\" id>\\\t");
        m.put("pending", 3);
        m.put("lastSeen", null);
        m.put("links", List.of(Map.of("kind", "udp")));
        assertEquals(m, Json.parse(Json.write(m)));
    }
}
