package io.sngw.store.sqlite;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Tells the registry's listeners which devices changed, on a thread of its own: a put may come from any thread (a
 * session loop included) and a reload from the watch's timer, and neither must run the gateway's reaction, nor wait
 * for it. One thread, so that listeners hear changes in the order they were made. Started with the first listener:
 * the CLI, which has none, starts no thread.
 */
final class DeviceChangeNotifier implements Consumer<Set<String>>, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DeviceChangeNotifier.class.getName());

    private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
    private ExecutorService thread; // guarded by this
    private boolean closed; // guarded by this

    synchronized void add(Consumer<Set<String>> listener) {
        if (closed) {
            throw new IllegalStateException("the device registry is closed");
        }
        if (thread == null) {
            thread = StoreThread.start("sngw-store-device-changes");
        }
        listeners.add(listener);
    }

    @Override
    public void accept(Set<String> clientIds) {
        ExecutorService notifying;
        synchronized (this) {
            notifying = thread;
        }
        if (notifying == null) {
            return;
        }
        try {
            notifying.execute(() -> tellListeners(clientIds));
        } catch (RejectedExecutionException closing) {
            // closed meanwhile: nobody is listening any more
        }
    }

    private void tellListeners(Set<String> clientIds) {
        for (Consumer<Set<String>> listener : listeners) {
            try {
                listener.accept(clientIds);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "device registry: a listener failed on a change of " + clientIds, e);
            }
        }
    }

    /** Interrupts a notification under way, waiting for it briefly, and drops the ones not started. */
    @Override
    public void close() {
        ExecutorService notifying;
        synchronized (this) {
            closed = true;
            notifying = thread;
        }
        if (notifying == null) {
            return;
        }
        StoreThread.stop(notifying, "a change notification");
    }
}
