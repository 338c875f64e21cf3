package io.sngw.core.topic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicFilterTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "a/b/c, a/b/c, true",
            "a/b/c, a/b, false",
            "a/+/c, a/b/c, true",
            "a/+/c, a/b/d, false",
            "a/+, a/, true",
            "+/+, /x, true",
            "a/#, a, true",
            "a/#, a/b/c, true",
            "a/#, ab, false",
            "#, a/b, true",
            "#, $SYS/x, false",
            "+/x, $SYS/x, false",
            "$SYS/#, $SYS/x, true",
            "a/b, a/b/c, false",
            "+, a/b, false",
    })
    void matchesLikeMqtt(String filter, String topic, boolean expected) {
        assertEquals(expected, TopicFilter.matches(filter, topic));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/#/b", "a#", "a/b+", "+a", "", "a/##"})
    void rejectsMalformedFilters(String filter) {
        assertFalse(TopicFilter.isValidFilter(filter));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "#", "+", "a/+/#", "/", "+/+", "a//b"})
    void acceptsWellFormedFilters(String filter) {
        assertTrue(TopicFilter.isValidFilter(filter));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/+", "#", ""})
    void topicNamesHaveNoWildcardsAndAreNotEmpty(String name) {
        assertFalse(TopicFilter.isValidName(name));
    }
}
