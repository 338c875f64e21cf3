package io.sngw.core.topic;

import io.sngw.core.MemoryBudget;

import java.util.HashMap;
import java.util.Map;

/**
 * One client's normal topic ids (assigned by the gateway through REGACK or REGISTER). Ids run 1..0xFFFE and are
 * never reused while registered; 0x0000 and 0xFFFF are never assigned. Owned by the client's session loop.
 */
public final class TopicRegistry {
    private static final int MAX_ID = 0xFFFE;

    private final int capacity;
    /** Registrations of all clients together: REGISTER floods from many client ids end here, not in the heap. */
    private final MemoryBudget budget;
    private final Map<Integer, String> byId = new HashMap<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private int nextId = 1;

    public TopicRegistry(int capacity) {
        this(capacity, MemoryBudget.unbounded("registrations"));
    }

    public TopicRegistry(int capacity, MemoryBudget budget) {
        this.capacity = Math.min(capacity, MAX_ID);
        this.budget = budget;
    }

    /** The id for a name, assigning a new one if needed; -1 when the registry, or the global budget, is full. */
    public int idFor(String name) {
        Integer known = byName.get(name);
        if (known != null) {
            return known;
        }
        if (byId.size() >= capacity || !budget.tryTake()) {
            return -1;
        }
        while (byId.containsKey(nextId)) {
            nextId = nextId == MAX_ID ? 1 : nextId + 1;
        }
        int id = nextId;
        nextId = nextId == MAX_ID ? 1 : nextId + 1;
        byId.put(id, name);
        byName.put(name, id);
        return id;
    }

    /** The id already registered for a name, or -1. */
    public int existingId(String name) {
        Integer id = byName.get(name);
        return id == null ? -1 : id;
    }

    /** The name registered under an id, or null. */
    public String name(int id) {
        return byId.get(id);
    }

    /** Forgets an id (the client told us it does not know it). */
    public void forget(int id) {
        String name = byId.remove(id);
        if (name != null) {
            byName.remove(name);
            budget.release(1);
        }
    }

    public void clear() {
        budget.release(byId.size());
        byId.clear();
        byName.clear();
        nextId = 1;
    }

    public int size() {
        return byId.size();
    }

    /** Puts back a registration read from the store; ids outside 1..0xFFFE are ignored. */
    public void restore(int id, String name) {
        if (id < 1 || id > MAX_ID || name == null || name.isEmpty()) {
            return;
        }
        forget(id);
        Integer previous = byName.put(name, id);
        if (previous != null) {
            byId.remove(previous); // a damaged record naming one topic twice: the later id wins
        } else {
            budget.takeAnyway(1);
        }
        byId.put(id, name);
        nextId = id == MAX_ID ? 1 : Math.max(nextId, id + 1);
    }

    /** A copy, for persistence and tests. */
    public Map<Integer, String> snapshot() {
        return Map.copyOf(byId);
    }
}
