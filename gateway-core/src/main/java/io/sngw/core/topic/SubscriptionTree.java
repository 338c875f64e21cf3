package io.sngw.core.topic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which subscribers hold a filter matching a topic: a trie over topic levels, so matching costs the topic's depth
 * times the branching of wildcards rather than the number of subscriptions. Not thread-safe: one owner.
 *
 * @param <S> the subscriber type (identity is what counts)
 */
public final class SubscriptionTree<S> {

    private static final class Node<S> {
        final Map<String, Node<S>> children = new HashMap<>(4);
        Set<S> subscribers;

        boolean isEmpty() {
            return children.isEmpty() && (subscribers == null || subscribers.isEmpty());
        }
    }

    private final Node<S> root = new Node<>();
    private int size;

    /** Adds a subscriber to a valid filter; returns false if it was already there. */
    public boolean add(String filter, S subscriber) {
        Node<S> node = root;
        for (String level : levels(filter)) {
            node = node.children.computeIfAbsent(level, k -> new Node<>());
        }
        if (node.subscribers == null) {
            node.subscribers = new LinkedHashSet<>(2);
        }
        boolean added = node.subscribers.add(subscriber);
        if (added) {
            size++;
        }
        return added;
    }

    /** Removes a subscriber from a filter, pruning empty branches; returns false if it was not there. */
    public boolean remove(String filter, S subscriber) {
        List<String> levels = levels(filter);
        List<Node<S>> path = new ArrayList<>(levels.size() + 1);
        Node<S> node = root;
        path.add(node);
        for (String level : levels) {
            node = node.children.get(level);
            if (node == null) {
                return false;
            }
            path.add(node);
        }
        if (node.subscribers == null || !node.subscribers.remove(subscriber)) {
            return false;
        }
        size--;
        for (int i = levels.size(); i > 0 && path.get(i).isEmpty(); i--) {
            path.get(i - 1).children.remove(levels.get(i - 1));
        }
        return true;
    }

    /** Calls the consumer once per distinct subscriber whose filter matches the topic name. */
    public void forEachMatch(String topic, Consumer<S> consumer) {
        Set<S> seen = new LinkedHashSet<>();
        collect(root, levels(topic), 0, topic.startsWith("$"), seen);
        seen.forEach(consumer);
    }

    public Set<S> matches(String topic) {
        Set<S> seen = new LinkedHashSet<>();
        collect(root, levels(topic), 0, topic.startsWith("$"), seen);
        return seen;
    }

    /** Number of (filter, subscriber) pairs. */
    public int size() {
        return size;
    }

    private void collect(Node<S> node, List<String> levels, int depth, boolean systemTopic, Set<S> out) {
        boolean wildcardsAllowed = !(systemTopic && depth == 0);
        if (wildcardsAllowed) {
            Node<S> multi = node.children.get("#");
            if (multi != null && multi.subscribers != null) {
                out.addAll(multi.subscribers);
            }
        }
        if (depth == levels.size()) {
            if (node.subscribers != null) {
                out.addAll(node.subscribers);
            }
            return;
        }
        Node<S> exact = node.children.get(levels.get(depth));
        if (exact != null) {
            collect(exact, levels, depth + 1, systemTopic, out);
        }
        if (wildcardsAllowed) {
            Node<S> single = node.children.get("+");
            if (single != null) {
                collect(single, levels, depth + 1, systemTopic, out);
            }
        }
    }

    private static List<String> levels(String topic) {
        List<String> levels = new ArrayList<>(8);
        int start = 0;
        for (int i = 0; i < topic.length(); i++) {
            if (topic.charAt(i) == '/') {
                levels.add(topic.substring(start, i));
                start = i + 1;
            }
        }
        levels.add(topic.substring(start));
        return levels;
    }
}
