package io.sngw.store.sqlite;

import io.sngw.core.store.OutboundMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static io.sngw.store.sqlite.Fixtures.seqs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's promise to the sensors: a message whose append future completed was PUBACKed, so it must be there
 * after the process dies at any moment. A child JVM appends and reports each acknowledgement; it is killed with
 * SIGKILL (no close, no checkpoint, writes in flight) and the store is reopened.
 */
class CrashSafetyTest {

    private static final int ACKNOWLEDGED_BEFORE_KILL = 5_000;

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    @Test
    @Timeout(120)
    void everyAppendAcknowledgedBeforeAKillIsThereAfterReopen() throws Exception {
        Path stderr = logs.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AppendUntilKilled.class.getName(), dir.toString())
                .redirectError(stderr.toFile())
                .start();
        List<Long> acknowledged = new ArrayList<>();
        boolean killed = false;
        try (InputStream out = new BufferedInputStream(child.getInputStream())) {
            for (Long seq; (seq = nextCompleteLine(out)) != null; ) {
                acknowledged.add(seq);
                if (!killed && acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL) {
                    // Through the handle: Process.destroyForcibly() would also close the pipe still holding
                    // acknowledgements the child printed before it died.
                    child.toHandle().destroyForcibly();
                    killed = true;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(killed, "the child stopped on its own (exit " + child.exitValue() + "): "
                + Files.readString(stderr));

        StoreOptions noRescue = StoreOptions.defaults().withOnCorrupt(StoreOptions.OnCorrupt.FAIL);
        try (SqliteStore store = SqliteStore.open(dir, noRescue)) {
            List<OutboundMessage> stored = store.readOutbound(0, Integer.MAX_VALUE);
            long highest = acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(stored.size() >= highest, stored.size() + " stored, " + highest + " acknowledged");
            assertEquals(LongStream.rangeClosed(1, stored.size()).boxed().toList(), seqs(stored),
                    "one appender, so what survived is a gap-free prefix");
            stored.forEach(message -> assertArrayEquals(Fixtures.payload(message.seq()), message.payload()));
        }
    }

    /** The next newline-terminated number; a line cut short by the kill is not an acknowledgement. */
    private static Long nextCompleteLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                return Long.parseLong(line.toString());
            }
            line.append((char) b);
        }
        return null;
    }
}
