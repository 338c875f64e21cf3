package io.sngw.core.linksec;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the protection layer, shared by every secured link of a gateway; lock-free from any thread. */
public final class LinkSecurityStats {

    /** Every counted event; keys are "linksec." and the name in lower case with dots. */
    public enum Event {
        FRAMES_OPENED,
        FRAMES_SEALED,
        PLAIN_ACCEPTED,
        DROPPED_LENGTH,
        DROPPED_UNKNOWN_DEVICE,
        DROPPED_REPLAY,
        DROPPED_BAD_MIC,
        DROPPED_COUNTER_EXHAUSTED,
        DROPPED_PLAIN_REFUSED,
        /** Downlink packets not sent: the device's counter is exhausted (it must pair again). */
        SEND_REFUSED_COUNTER_EXHAUSTED,
        /** Downlink packets not sent: the counter reservation could not be written. */
        SEND_REFUSED_NO_RESERVATION,
        PAIRING_HELLO,
        PAIRING_COMPLETED,
        PAIRING_WINDOW_CLOSED,
        PAIRING_REFUSED_NO_INSTALL_CODE,
        PAIRING_REFUSED_BAD_CONFIRM,
        PAIRING_REFUSED_UNEXPECTED,
        PAIRING_REFUSED_BAD_KEY,
        PAIRING_REFUSED_CLIENT_ID;

        public String key() {
            return "linksec." + name().toLowerCase(Locale.ROOT).replace('_', '.');
        }
    }

    private final Map<Event, LongAdder> counts = new EnumMap<>(Event.class);

    public LinkSecurityStats() {
        for (Event e : Event.values()) {
            counts.put(e, new LongAdder());
        }
    }

    public void count(Event event) {
        counts.get(event).increment();
    }

    public long get(Event event) {
        return counts.get(event).sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((e, n) -> out.put(e.key(), n.sum()));
        return out;
    }
}
