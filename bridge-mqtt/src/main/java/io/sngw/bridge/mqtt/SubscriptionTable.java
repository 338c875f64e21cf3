package io.sngw.bridge.mqtt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters the gateway holds at the broker, reference-counted: one entry per filter, at the highest QoS any
 * reference asked for (never lowered until the last reference goes). Also the filters whose last reference went while
 * a persistent session was offline: the broker still has them and is told on the next connection. Upstream loop only.
 */
final class SubscriptionTable {

    /** One filter of the table. */
    static final class Subscription {
        final String filter;
        int refs;
        int qos;

        Subscription(String filter) {
            this.filter = filter;
        }
    }

    /** What taking one reference away did. */
    enum Release { NOT_SUBSCRIBED, STILL_REFERENCED, LAST_REFERENCE }

    private final Map<String, Subscription> byFilter = new HashMap<>();
    private final Set<String> unsubscribeOnConnect = new HashSet<>();

    /** Adds a reference to {@code filter} at {@code qos}; the entry (new or raised) is what to SUBSCRIBE. */
    Subscription reference(String filter, int qos) {
        unsubscribeOnConnect.remove(filter);
        Subscription s = byFilter.computeIfAbsent(filter, Subscription::new);
        s.refs++;
        s.qos = Math.max(s.qos, qos);
        return s;
    }

    /** Takes back the reference a subscribe request added, unless the table entry was replaced meanwhile. */
    void unref(Subscription s) {
        if (byFilter.get(s.filter) == s && --s.refs <= 0) {
            byFilter.remove(s.filter);
        }
    }

    /** Removes one reference; on the last one the filter leaves the table. */
    Release release(String filter) {
        Subscription s = byFilter.get(filter);
        if (s == null) {
            return Release.NOT_SUBSCRIBED;
        }
        if (--s.refs > 0) {
            return Release.STILL_REFERENCED;
        }
        byFilter.remove(filter);
        return Release.LAST_REFERENCE;
    }

    /** A filter released while offline that the broker's persistent session still holds. */
    void unsubscribeOnConnect(String filter) {
        unsubscribeOnConnect.add(filter);
    }

    /** The filters to UNSUBSCRIBE now that the broker's session is back; forgets them. */
    List<String> takeOfflineUnsubscribes() {
        List<String> filters = new ArrayList<>(unsubscribeOnConnect);
        unsubscribeOnConnect.clear();
        return filters;
    }

    /** The broker has no session for us: nothing of the last one is left to unsubscribe. */
    void forgetOfflineUnsubscribes() {
        unsubscribeOnConnect.clear();
    }

    List<Subscription> all() {
        return new ArrayList<>(byFilter.values());
    }

    int size() {
        return byFilter.size();
    }
}
