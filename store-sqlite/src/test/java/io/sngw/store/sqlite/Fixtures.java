package io.sngw.store.sqlite;

import io.sngw.core.store.OutboundMessage;
import io.sngw.core.store.PendingMessage;
import io.sngw.core.store.SessionRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/** Values the tests write, and comparisons that look inside their byte arrays. */
final class Fixtures {

    private Fixtures() {
    }

    static OutboundMessage outbound(long seq) {
        return new OutboundMessage(seq, "sensor-" + (seq % 7), "sensors/" + seq, payload(seq), 1, seq % 2 == 0,
                1_700_000_000_000L + seq);
    }

    static byte[] payload(long seq) {
        return ("payload-" + seq).getBytes(StandardCharsets.UTF_8);
    }

    static PendingMessage pending(String clientId, long seq) {
        return new PendingMessage(clientId, seq, "down/" + clientId, payload(seq), 2, false);
    }

    static SessionRecord sleepingSessionWithEverything(String clientId) {
        return new SessionRecord(clientId, false, SessionRecord.Status.ASLEEP, 60, 3600, "udp:0.0.0.0:1884",
                new byte[]{10, 0, 0, 7, 0x07, 0x5c},
                new SessionRecord.StoredWill("clients/" + clientId + "/status", bytes("gone"), 1, true),
                Map.of(1, "sensors/temp", 2, "sensors/humidity", 300, "actuators/valve"),
                Map.of("actuators/#", 1, "config/+/set", 2), Set.of(17, 4242));
    }

    static SessionRecord disconnectedSession(String clientId) {
        return new SessionRecord(clientId, true, SessionRecord.Status.DISCONNECTED, 30, 0, null, null, null,
                Map.of(), Map.of(), Set.of());
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void assertSameSession(SessionRecord expected, SessionRecord actual) {
        assertEquals(expected.clientId(), actual.clientId());
        assertEquals(expected.cleanSession(), actual.cleanSession());
        assertEquals(expected.status(), actual.status());
        assertEquals(expected.keepAliveSeconds(), actual.keepAliveSeconds());
        assertEquals(expected.sleepSeconds(), actual.sleepSeconds());
        assertEquals(expected.linkName(), actual.linkName());
        assertArrayEquals(expected.address(), actual.address());
        if (expected.will() == null) {
            assertNull(actual.will());
        } else {
            assertEquals(expected.will().topic(), actual.will().topic());
            assertArrayEquals(expected.will().message(), actual.will().message());
            assertEquals(expected.will().qos(), actual.will().qos());
            assertEquals(expected.will().retain(), actual.will().retain());
        }
        assertEquals(expected.topics(), actual.topics());
        assertEquals(expected.subscriptions(), actual.subscriptions());
        assertEquals(expected.awaitingPubRel(), actual.awaitingPubRel());
    }

    static void assertSameOutbound(OutboundMessage expected, OutboundMessage actual) {
        assertEquals(expected.seq(), actual.seq());
        assertEquals(expected.clientId(), actual.clientId());
        assertEquals(expected.topic(), actual.topic());
        assertArrayEquals(expected.payload(), actual.payload());
        assertEquals(expected.qos(), actual.qos());
        assertEquals(expected.retain(), actual.retain());
        assertEquals(expected.enqueuedAtMillis(), actual.enqueuedAtMillis());
        assertEquals(expected.linkKind(), actual.linkKind());
    }

    static List<Long> seqs(List<OutboundMessage> messages) {
        return messages.stream().map(OutboundMessage::seq).toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
