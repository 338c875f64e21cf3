package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;

/** Records what the bridge reports, for tests. */
final class RecordingListener implements UpstreamListener {

    /**
     * How long a test waits for what must happen (never for what must not): generous, since it costs nothing when
     * things work, and CI on a loaded 2-core machine took more than 5 s for three TLS attempts with their backoff.
     */
    static final Duration WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<Boolean> events = new LinkedBlockingQueue<>();
    private final List<UpstreamMessage> messages = new ArrayList<>();
    private final List<String> threads = new ArrayList<>();
    /** Null while messages are taken at once, as by a gateway without a durable store. */
    private Map<String, Runnable> held;

    @Override
    public synchronized void onMessage(UpstreamMessage message, Runnable taken) {
        messages.add(message);
        threads.add(Thread.currentThread().getName());
        if (held != null) {
            held.put(payload(message), taken);
        } else {
            taken.run();
        }
        notifyAll();
    }

    /** From now on messages are not taken until {@link #take}: the bridge must not acknowledge them. */
    synchronized void holdMessages() {
        held = new LinkedHashMap<>();
    }

    /**
     * Takes the held message with this payload, from the test's thread (as the store's writer thread would), and
     * goes on holding the others.
     */
    void take(String payload) {
        Runnable taken;
        synchronized (this) {
            taken = held.remove(payload);
        }
        if (taken == null) {
            fail("no message '" + payload + "' held");
        }
        taken.run();
    }

    @Override
    public void onConnectionChanged(boolean connected) {
        synchronized (this) {
            threads.add(Thread.currentThread().getName());
        }
        events.add(connected);
    }

    /** The next connection event must come within {@link #WAIT} and be {@code expected}. */
    void awaitEvent(boolean expected) {
        try {
            Boolean event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                fail("no onConnectionChanged(" + expected + ") within " + WAIT);
            }
            assertEquals(expected, event, "connection event");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    List<Boolean> pendingEvents() {
        return new ArrayList<>(events);
    }

    synchronized List<UpstreamMessage> messages() {
        return List.copyOf(messages);
    }

    synchronized List<String> threads() {
        return List.copyOf(threads);
    }

    /** Waits until a message matching {@code test} arrived; returns all messages so far. */
    synchronized List<UpstreamMessage> awaitMessage(Predicate<UpstreamMessage> test, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (messages.stream().noneMatch(test)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("no message " + what + " within " + WAIT + "; got " + describe(messages));
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return List.copyOf(messages);
    }

    List<UpstreamMessage> awaitPayload(String payload) {
        return awaitMessage(m -> payload(m).equals(payload), "with payload '" + payload + "'");
    }

    static String payload(UpstreamMessage m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    static String describe(List<UpstreamMessage> list) {
        List<String> out = new ArrayList<>();
        for (UpstreamMessage m : list) {
            out.add(m.topic() + " qos" + m.qos() + (m.retain() ? " retained" : "") + " '" + payload(m) + "'");
        }
        return out.toString();
    }
}
