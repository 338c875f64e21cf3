package io.sngw.store.sqlite;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The store's background threads: one daemon thread each, stopped on close without hanging it. */
final class StoreThread {
    private static final System.Logger LOG = System.getLogger(StoreThread.class.getName());

    private StoreThread() {
    }

    /** A daemon: a store left open must not keep the JVM (a finished CLI command) alive. */
    static ScheduledExecutorService start(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Interrupts the task under way, drops the queued ones, and waits up to 10 s for the thread to end. */
    static void stop(ExecutorService thread, String task) {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "device registry: " + task + " did not finish within 10 s of close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
