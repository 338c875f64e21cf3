package io.sngw.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OncePerPeerTest {
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong();
    private final OncePerPeer log = new OncePerPeer(recorder(), Duration.ofMinutes(10), 3, 100, now::get);

    @Test
    void onePeerAndReasonIsLoggedOncePerPeriod() {
        assertTrue(log.log("udp:10.0.0.1:5000", "TOO_SHORT", () -> "first"));
        assertFalse(log.log("udp:10.0.0.1:5000", "TOO_SHORT", () -> "again"));
        assertTrue(log.log("udp:10.0.0.1:5000", "BAD_TOPIC", () -> "another reason"));
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertTrue(log.log("udp:10.0.0.1:5000", "TOO_SHORT", () -> "after the period"));

        assertEquals(List.of("first", "another reason", "after the period"), lines);
    }

    @Test
    void manyPeersAreLimitedPerMinuteAndTheLeftOutCounted() {
        for (int i = 0; i < 10; i++) {
            log.log("udp:10.0.0." + i + ":5000", "TOO_SHORT", () -> "line");
        }
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        log.log("udp:10.0.1.1:5000", "TOO_SHORT", () -> "next minute");

        assertEquals(List.of("line", "line", "line", "next minute (7 similar lines left out before this one)"), lines);
    }

    private System.Logger recorder() {
        return new System.Logger() {
            @Override
            public String getName() {
                return "test";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                lines.add(msg);
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                lines.add(format);
            }
        };
    }
}
