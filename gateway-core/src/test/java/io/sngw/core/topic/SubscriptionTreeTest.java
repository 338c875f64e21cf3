package io.sngw.core.topic;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubscriptionTreeTest {
    private final SubscriptionTree<String> tree = new SubscriptionTree<>();

    @Test
    void findsExactAndWildcardSubscribers() {
        tree.add("a/b/c", "exact");
        tree.add("a/+/c", "single");
        tree.add("a/#", "multi");
        tree.add("x/#", "other");
        assertEquals(Set.of("exact", "single", "multi"), tree.matches("a/b/c"));
    }

    @Test
    void reportsASubscriberOnceEvenWithOverlappingFilters() {
        tree.add("a/#", "s");
        tree.add("a/b", "s");
        tree.add("+/b", "s");
        assertEquals(Set.of("s"), tree.matches("a/b"));
    }

    @Test
    void multiLevelWildcardMatchesItsParentLevel() {
        tree.add("a/#", "s");
        assertEquals(Set.of("s"), tree.matches("a"));
    }

    @Test
    void leadingWildcardsDoNotMatchDollarTopics() {
        tree.add("#", "all");
        tree.add("+/x", "plus");
        tree.add("$SYS/x", "sys");
        assertEquals(Set.of("sys"), tree.matches("$SYS/x"));
    }

    @Test
    void removingTheLastSubscriberPrunesTheBranch() {
        tree.add("a/b/c", "s");
        assertTrue(tree.remove("a/b/c", "s"));
        assertFalse(tree.remove("a/b/c", "s"));
        assertEquals(0, tree.size());
        assertEquals(Set.of(), tree.matches("a/b/c"));
    }

    @Test
    void removingOneSubscriberKeepsTheOthers() {
        tree.add("a/+", "s1");
        tree.add("a/+", "s2");
        tree.remove("a/+", "s1");
        assertEquals(Set.of("s2"), tree.matches("a/z"));
    }
}
