package io.sngw.core.topic;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TopicRegistryTest {

    @Test
    void assignsIdsFromOneAndReturnsTheSameIdForTheSameName() {
        TopicRegistry registry = new TopicRegistry(10);
        assertEquals(1, registry.idFor("a"));
        assertEquals(2, registry.idFor("b"));
        assertEquals(1, registry.idFor("a"));
        assertEquals("b", registry.name(2));
    }

    @Test
    void refusesNewNamesWhenFull() {
        TopicRegistry registry = new TopicRegistry(1);
        registry.idFor("a");
        assertEquals(-1, registry.idFor("b"));
        assertEquals(1, registry.idFor("a"));
    }

    @Test
    void aForgottenIdIsNotReusedBeforeTheOthers() {
        TopicRegistry registry = new TopicRegistry(10);
        registry.idFor("a");
        registry.idFor("b");
        registry.forget(1);
        assertNull(registry.name(1));
        assertEquals(3, registry.idFor("c"));
    }
}
