package io.sngw.core.store;

import io.sngw.core.Plural;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.SensorConnection;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Store-and-forward in front of the broker (acknowledgement mode {@code after-store}): a QoS 1/2 publish is written
 * to the durable outbound queue and its future completes once it is on disk, so the sensor gets its PUBACK even
 * while the broker is unreachable. The queue drains to the broker in sequence order, a window of messages at a
 * time, whether the broker has been away or not, so a backlog and new messages never overtake each other.
 *
 * <p>All queue state is owned by one thread ({@code sngw-outbound}); sessions and the bridge reach it through its
 * queue. Disk reads happen on that thread too, only to refill after a restart or when more is queued than memory
 * keeps: they delay the drain, never a session loop.
 */
public final class StoreAndForwardUpstream implements Upstream {
    private static final System.Logger LOG = System.getLogger(StoreAndForwardUpstream.class.getName());

    /** Queued messages also kept in memory, so that a broker that keeps up never makes the drain touch the disk. */
    private static final int MEMORY_LIMIT = 20_000;
    private static final int READ_BATCH = 2_000;
    private static final int DELETE_BATCH = 500;

    private final Upstream broker;
    private final Store store;
    private final OutboundOptions options;
    private final ScheduledExecutorService owner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sngw-outbound");
        t.setDaemon(true);
        return t;
    });

    // Owned by the owner thread.
    private long lastSeq;
    /** The highest sequence number taken from memory or disk for sending. */
    private long cursor;
    private long count;
    private long bytes;
    /** Messages after the cursor, in order; while {@link #spilled}, only a batch read back from disk. */
    private final ArrayDeque<OutboundMessage> memory = new ArrayDeque<>();
    /** Some messages after the cursor are only on disk. */
    private boolean spilled;
    private final Map<Long, OutboundMessage> inFlight = new TreeMap<>();
    /** Sent and failed (the connection dropped): they go first, in order, once the broker is back. */
    private final TreeMap<Long, OutboundMessage> resend = new TreeMap<>();
    /** A send failed: nothing more goes out until every in-flight message has its answer, so order holds. */
    private boolean rewinding;
    /** A resend is scheduled after a failure while the broker looked connected (no hot loop on a refused message). */
    private boolean pausedAfterFailure;
    private boolean connected;
    private boolean fullLogged;
    /** Set while a backlog found at (re)connection drains, so the operator learns when and how fast it did. */
    private long drainStartNanos;
    private long drainStartForwarded;
    private final List<Long> acknowledged = new ArrayList<>();
    private final ArrayDeque<UpstreamMessage> qos0Offline = new ArrayDeque<>();

    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong refusedFull = new AtomicLong();
    private final AtomicLong qos0Dropped = new AtomicLong();

    /**
     * @param backlog what {@link Store#load()} found in the queue: it drains first, once the broker is connected
     */
    public StoreAndForwardUpstream(Upstream broker, Store store, OutboundOptions options, StoredState.OutboundSummary backlog) {
        this.broker = broker;
        this.store = store;
        this.options = options;
        this.count = backlog.count();
        this.bytes = backlog.bytes();
        this.lastSeq = backlog.lastSeq();
        this.cursor = backlog.count() == 0 ? backlog.lastSeq() : backlog.firstSeq() - 1;
        this.spilled = backlog.count() > 0;
        queued.set(count);
        if (count > 0) {
            LOG.log(Level.INFO, "outbound queue: {0} ({1}) from before the restart will be forwarded",
                    Plural.of(count, "message"), Plural.of(bytes, "byte"));
        }
    }

    @Override
    public void start(UpstreamListener listener) {
        broker.start(new UpstreamListener() {
            @Override
            public void onMessage(UpstreamMessage message, Runnable taken) {
                listener.onMessage(message, taken);
            }

            @Override
            public void onConnectionChanged(boolean up) {
                owner.execute(() -> connectionChanged(up));
                listener.onConnectionChanged(up);
            }
        });
    }

    @Override
    public CompletableFuture<Void> publish(UpstreamMessage message) {
        if (message.qos() == 0) {
            if (broker.isConnected()) {
                return broker.publish(message);
            }
            owner.execute(() -> keepWhileOffline(message));
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> durable = new CompletableFuture<>();
        owner.execute(() -> append(message, durable));
        return durable;
    }

    @Override
    public CompletableFuture<Integer> subscribe(String filter, int qos) {
        return broker.subscribe(filter, qos);
    }

    @Override
    public void restoreSubscription(String filter, int qos) {
        broker.restoreSubscription(filter, qos);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String filter) {
        return broker.unsubscribe(filter);
    }

    @Override
    public boolean isConnected() {
        return broker.isConnected();
    }

    // The per-sensor methods go straight to the broker's side, as subscriptions do.

    @Override
    public CompletableFuture<Integer> subscribe(ClientRef client, String filter, int qos) {
        return broker.subscribe(client, filter, qos);
    }

    @Override
    public void restoreSubscription(ClientRef client, String filter, int qos) {
        broker.restoreSubscription(client, filter, qos);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(ClientRef client, String filter) {
        return broker.unsubscribe(client, filter);
    }

    @Override
    public boolean sensorConnected(SensorConnection connection) {
        return broker.sensorConnected(connection);
    }

    @Override
    public void sensorAsleep(ClientRef client) {
        broker.sensorAsleep(client);
    }

    @Override
    public CompletableFuture<Void> sensorAwake(ClientRef client) {
        return broker.sensorAwake(client);
    }

    @Override
    public boolean sensorDisconnected(ClientRef client, boolean lost) {
        return broker.sensorDisconnected(client, lost);
    }

    /** Messages in the durable queue, not yet acknowledged by the broker. */
    public long queued() {
        return queued.get();
    }

    /** Queued messages the broker acknowledged. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Queued messages dropped because they were older than {@link OutboundOptions#maxAge()}. */
    public long expired() {
        return expired.get();
    }

    /** QoS 1/2 publishes refused because the queue was full (the sensor got PUBACK 0x01). */
    public long refusedFull() {
        return refusedFull.get();
    }

    /** QoS 0 messages dropped while the broker was unreachable and the memory buffer full. */
    public long qos0Dropped() {
        return qos0Dropped.get();
    }

    /** Completes once everything appended before this call is durable and acknowledged deletions are written. */
    public CompletableFuture<Void> sync() {
        return CompletableFuture.supplyAsync(() -> {
            deleteAcknowledged();
            return null;
        }, owner).thenCompose(v -> store.flush());
    }

    @Override
    public void close() {
        broker.close();
        owner.execute(this::deleteAcknowledged);
        owner.shutdown();
        try {
            if (!owner.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "outbound queue: did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- on the owner thread

    private void append(UpstreamMessage message, CompletableFuture<Void> durable) {
        int size = message.payload().length;
        if (count >= options.maxMessages() || bytes + size > options.maxBytes()) {
            refusedFull.incrementAndGet();
            if (!fullLogged) {
                fullLogged = true;
                LOG.log(Level.WARNING, "outbound queue full ({0} messages, {1} bytes): refusing QoS 1/2 publishes "
                        + "with PUBACK 0x01 until the broker takes some", count, bytes);
            }
            durable.completeExceptionally(new UpstreamUnavailableException("outbound queue full"));
            return;
        }
        fullLogged = false;
        ClientRef client = message.client();
        OutboundMessage queuedMessage = new OutboundMessage(++lastSeq, client == null ? "" : client.clientId(),
                message.topic(), message.payload(), message.qos(), message.retain(), System.currentTimeMillis(),
                client == null ? null : client.linkKind());
        count++;
        bytes += size;
        queued.incrementAndGet();
        store.appendOutbound(queuedMessage).whenComplete((ok, failure) -> {
            if (failure == null) {
                durable.complete(null);
            } else {
                durable.completeExceptionally(failure);
            }
        });
        if (!spilled) {
            if (memory.size() < MEMORY_LIMIT) {
                memory.addLast(queuedMessage);
            } else {
                // The broker is not keeping up: let the disk hold the rest and read it back in order later.
                memory.clear();
                spilled = true;
            }
        }
        pump();
    }

    private void keepWhileOffline(UpstreamMessage message) {
        if (broker.isConnected()) {
            broker.publish(message);
        } else if (qos0Offline.size() < options.maxQos0Offline()) {
            qos0Offline.addLast(message.heldSince(System.currentTimeMillis())); // the bridge may expire it
        } else {
            qos0Dropped.incrementAndGet();
        }
    }

    private void connectionChanged(boolean up) {
        connected = up;
        if (up && count > 0) {
            LOG.log(Level.INFO, "outbound queue: forwarding a backlog of {0} ({1})", Plural.of(count, "message"),
                    Plural.of(bytes, "byte"));
            drainStartNanos = System.nanoTime();
            drainStartForwarded = forwarded.get();
        }
        if (up) {
            while (!qos0Offline.isEmpty()) {
                broker.publish(qos0Offline.pollFirst());
            }
            pump();
        }
    }

    private void pump() {
        if (!connected || rewinding || pausedAfterFailure) {
            return;
        }
        long oldest = options.maxAge().isZero() ? Long.MIN_VALUE : System.currentTimeMillis() - options.maxAge().toMillis();
        while (inFlight.size() < options.window()) {
            OutboundMessage next = next();
            if (next == null) {
                break;
            }
            if (next.enqueuedAtMillis() < oldest) {
                expired.incrementAndGet();
                removeFromQueue(next);
                continue;
            }
            send(next);
        }
        if (acknowledged.size() >= DELETE_BATCH || inFlight.isEmpty()) {
            deleteAcknowledged();
        }
    }

    private OutboundMessage next() {
        if (!resend.isEmpty()) {
            return resend.pollFirstEntry().getValue();
        }
        if (memory.isEmpty() && spilled) {
            refillFromDisk();
        }
        OutboundMessage next = memory.pollFirst();
        if (next != null) {
            cursor = next.seq();
        }
        return next;
    }

    private void refillFromDisk() {
        // Everything appended so far must be readable: appends happen on this thread, so none slips in meanwhile.
        store.flush().join();
        List<OutboundMessage> batch = store.readOutbound(cursor, READ_BATCH);
        memory.addAll(batch);
        if (batch.size() < READ_BATCH) {
            spilled = false;
        }
    }

    private void send(OutboundMessage message) {
        inFlight.put(message.seq(), message);
        broker.publish(new UpstreamMessage(message.topic(), message.payload(), message.qos(), message.retain(),
                        message.client()))
                .whenComplete((ok, failure) -> owner.execute(() -> answered(message, failure)));
    }

    private void answered(OutboundMessage message, Throwable failure) {
        inFlight.remove(message.seq());
        if (failure == null) {
            forwarded.incrementAndGet();
            removeFromQueue(message);
        } else {
            resend.put(message.seq(), message);
            rewinding = true;
        }
        if (rewinding && inFlight.isEmpty()) {
            rewinding = false;
            if (failure != null && broker.isConnected() && !pausedAfterFailure) {
                // Refused while connected (a full window, a connection going down): try again in a moment.
                pausedAfterFailure = true;
                owner.schedule(() -> {
                    pausedAfterFailure = false;
                    pump();
                }, 1, TimeUnit.SECONDS);
                return;
            }
        }
        pump();
    }

    private void removeFromQueue(OutboundMessage message) {
        count--;
        bytes -= message.payload().length;
        queued.decrementAndGet();
        acknowledged.add(message.seq());
        if (count == 0 && drainStartNanos != 0) {
            long nanos = Math.max(1, System.nanoTime() - drainStartNanos);
            long messages = forwarded.get() - drainStartForwarded;
            LOG.log(Level.INFO, "outbound queue: backlog drained, {0} forwarded in {1} ms ({2} msg/s)",
                    Plural.of(messages, "message"), TimeUnit.NANOSECONDS.toMillis(nanos),
                    messages * 1_000_000_000L / nanos);
            drainStartNanos = 0;
        }
    }

    private void deleteAcknowledged() {
        if (!acknowledged.isEmpty()) {
            store.deleteOutbound(List.copyOf(acknowledged));
            acknowledged.clear();
        }
    }
}
