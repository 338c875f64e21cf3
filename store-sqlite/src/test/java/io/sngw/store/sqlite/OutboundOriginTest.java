package io.sngw.store.sqlite;

import io.sngw.core.store.OutboundMessage;
import io.sngw.core.upstream.ClientRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import static io.sngw.store.sqlite.Fixtures.assertSameOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The outbound queue keeps the sensor a message came from (client id and link kind) across a restart. */
class OutboundOriginTest {

    /** The schema version before the queue recorded link kinds (step 5 added them, after delivery's step 4). */
    private static final int BEFORE_LINK_KIND = 4;

    @TempDir
    Path dir;

    @Test
    void queuedMessageComesBackWithItsSensorsClientIdAndLinkKind() {
        OutboundMessage queued = message(1, "sensor-7", "dtls");
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.appendOutbound(queued).join();
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            OutboundMessage read = store.readOutbound(0, 10).get(0);
            assertSameOutbound(queued, read);
            assertEquals(new ClientRef("sensor-7", "dtls"), read.client());
        }
    }

    @Test
    void queueOfThePreviousVersionIsMigratedAndItsMessagesDrainWithTheLinkUnknown() throws Exception {
        OutboundMessage queued = message(1, "sensor-7", "serial");
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.appendOutbound(queued).join();
        }
        OldSchemas.downgrade(SqliteStore.fileIn(dir), BEFORE_LINK_KIND);
        try (SqliteStore store = SqliteStore.open(dir)) {
            try (Connection connection = Sql.connect(store.file())) {
                assertEquals(Schema.latestVersion(), Schema.version(connection));
            }
            store.appendOutbound(message(2, "sensor-8", "udp")).join();
            List<OutboundMessage> read = store.readOutbound(0, 10);
            assertEquals(2, read.size());
            assertEquals("sensor-7", read.get(0).clientId());
            assertNull(read.get(0).linkKind());
            assertEquals(new ClientRef("sensor-7", ClientRef.UNKNOWN_LINK), read.get(0).client());
            assertEquals("udp", read.get(1).linkKind());
        }
    }

    private static OutboundMessage message(long seq, String clientId, String linkKind) {
        return new OutboundMessage(seq, clientId, "sensors/" + seq, ("m" + seq).getBytes(StandardCharsets.UTF_8), 1,
                false, 1_700_000_000_000L + seq, linkKind);
    }
}
