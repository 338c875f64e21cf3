package io.sngw.store.sqlite;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link CrashSafetyTest}: appends to the outbound queue as fast as the store takes it and
 * prints each seq the moment its future completes, straight to the stdout file descriptor (no buffer that a kill
 * could lose), until the test kills it. Stops by itself after a minute in case nobody does.
 */
public final class AppendUntilKilled {

    private AppendUntilKilled() {
    }

    public static void main(String[] args) throws Exception {
        SqliteStore store = SqliteStore.open(Path.of(args[0]));
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        Semaphore inFlight = new Semaphore(2_000);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (long seq = 1; System.nanoTime() < deadline; seq++) {
            inFlight.acquire();
            long acknowledged = seq;
            store.appendOutbound(Fixtures.outbound(seq)).whenComplete((ok, failure) -> {
                inFlight.release();
                if (failure != null) {
                    failure.printStackTrace();
                    Runtime.getRuntime().halt(3);
                }
                try {
                    stdout.write((acknowledged + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    Runtime.getRuntime().halt(4);
                }
            });
        }
        Runtime.getRuntime().halt(2);
    }
}
