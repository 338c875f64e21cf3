package io.sngw.bridge.mqtt;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packet ids of one broker connection: handed out in sequence, never one in use, freed by the broker's answer. */
class PublishWindowTest {

    private static Pending.Publish publish(int qos) {
        return new Pending.Publish(new CompletableFuture<>(), qos);
    }

    @Test
    void idsAreHandedOutInSequenceAndFreedByTheirPubAckInAnyOrder() {
        PublishWindow window = new PublishWindow();
        Pending.Publish[] sent = new Pending.Publish[1001];
        for (int i = 1; i <= 1000; i++) {
            int id = window.allocatePacketId();
            assertEquals(i, id);
            sent[id] = publish(1);
            window.put(id, sent[id]);
        }
        assertEquals(1000, window.inflightPublishes());
        assertSame(sent[1], window.acknowledged(1));
        assertSame(sent[500], window.acknowledged(500));
        assertNull(window.acknowledged(500), "a repeated PUBACK finds nothing");
        assertEquals(998, window.inflightPublishes());
        for (int i = 2; i <= 1000; i++) {
            if (i != 500) {
                assertSame(sent[i], window.acknowledged(i));
            }
        }
        assertTrue(window.isEmpty());
        assertEquals(1001, window.allocatePacketId());
    }

    @Test
    void anIdStillAwaitingItsPubCompIsSkippedWhenTheSequenceWrapsAround() {
        PublishWindow window = new PublishWindow();
        Pending.Publish qos2 = publish(2);
        window.put(window.allocatePacketId(), qos2); // id 1
        window.release(qos2); // PUBREC: out of the window, its id kept until PUBCOMP
        for (int id = 2; id <= 65535; id++) {
            assertEquals(id, window.allocatePacketId());
        }
        assertEquals(2, window.allocatePacketId(), "1 still awaits its PUBCOMP, 2 is free again");
        assertEquals(java.util.List.of(1), window.qos2Ids());
        assertTrue(window.completed(1));
        assertEquals(0, window.inflightPublishes());
    }
}
