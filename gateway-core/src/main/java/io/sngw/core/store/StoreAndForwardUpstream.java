package io.sngw.core.store;

import io.sngw.core.Plural;
import io.sngw.core.SessionLoop;
import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.ForwardingUpstream;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import io.sngw.core.upstream.UpstreamUnavailableException;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbound queue in front of the broker. A sensor's QoS 1/2 publish is acknowledged at its <em>first durable
 * witness</em>: the broker's acknowledgement or the commit of the message to the queue on disk, whichever comes
 * first, never before. While the broker is connected a message is sent at once and written only if the broker has
 * not acknowledged it within {@link OutboundOptions#writeDelay()} (or if the store's writer reaches it first: a write
 * the broker's ack made unnecessary is skipped, since SD cards wear); while it is not, the message is written at once,
 * and the queue absorbs the outage up to its bounds.
 *
 * <p>Push back: while the broker is connected, when the oldest message accepted meanwhile and not yet sent has waited
 * longer than {@link OutboundOptions#maxLag()}, new messages are acknowledged only by the broker (slower acks, which
 * pace every sensor with a window to the broker's rate); past {@value OutboundOptions#REFUSE_FACTOR} times that they
 * are refused (the sensor gets PUBACK 0x01, congestion). So what is accepted is what is delivered, instead of a queue
 * whose end-to-end latency grows for minutes.
 *
 * <p>The queue drains to the broker in sequence order, a window of messages at a time, whether the broker has been
 * away or not, so a backlog and new messages never overtake each other. All queue state is owned by one thread:
 * the broker connection's own loop where the upstream has one ({@link Upstream#publishLoop()}), so that sending a
 * message and hearing its answer cost no hand-off between threads (in a lockstep round trip each was a wake-up of a
 * thread of the queue's own), else {@code sngw-outbound}, a lock-free loop of its own (one broker connection per
 * sensor). Sessions and the store's writer reach it through its queue, and the only state shared with the writer is
 * each message's write decision ({@link Outgoing}, compare-and-set). Nothing on the owner blocks: the store's writes
 * return at once, and a refill from disk (after a restart, or when more is queued than memory keeps) is asked for and
 * continues on the owner when the batch has been read, sending nothing from memory meanwhile.
 */
public final class StoreAndForwardUpstream extends ForwardingUpstream {
    private static final System.Logger LOG = System.getLogger(StoreAndForwardUpstream.class.getName());

    /** Queued messages also kept in memory, so that a broker that keeps up never makes the drain touch the disk. */
    private static final int MEMORY_LIMIT = 20_000;
    private static final int READ_BATCH = 2_000;
    private static final int DELETE_BATCH = 500;

    /** The broker (the bridge), as the queue sees it. */
    private final Upstream broker;
    private final Store store;
    private final OutboundOptions options;
    private final long maxLagNanos;
    private final ScheduledExecutorService owner;
    /** The owner is the broker's loop: it runs nothing more once the broker is closed. */
    private final boolean ownerIsBrokerLoop;
    private volatile Thread ownerThread;

    // Owned by the owner thread.
    private long lastSeq;
    /** The highest sequence number taken from memory or disk for sending. */
    private long cursor;
    private long count;
    private long bytes;
    /** Messages after the cursor, in order; while {@link #spilled}, only a batch read back from disk. */
    private final ArrayDeque<Outgoing> memory = new ArrayDeque<>();
    /** Some messages after the cursor are only on disk. */
    private boolean spilled;
    /** A batch is being read back from disk: nothing is taken from memory until it is there. */
    private boolean refilling;
    /** Within {@link #pump}: an answer completed meanwhile on the owner's thread is posted, not handled inline. */
    private boolean pumping;
    private final Map<Long, Outgoing> inFlight = new HashMap<>();
    /** Sent and failed (the connection dropped): they go first, in order, once the broker is back. */
    private final TreeMap<Long, Outgoing> resend = new TreeMap<>();
    private final OutboundWrites writes;
    private final BrokerWindow window;
    private final QueueLag lag = new QueueLag();
    /** A send failed: nothing more goes out until every in-flight message has its answer, so order holds. */
    private boolean rewinding;
    /** A resend is scheduled after a failure while the broker looked connected (no hot loop on a refused message). */
    private boolean pausedAfterFailure;
    private boolean connected;
    private boolean fullLogged;
    private boolean congestionLogged;
    /** Set while a backlog found at (re)connection drains, so the operator learns when and how fast it did. */
    private long drainStartNanos;
    private long drainStartForwarded;
    private final List<Long> acknowledged = new ArrayList<>();
    private final ArrayDeque<UpstreamMessage> qos0Offline = new ArrayDeque<>();

    private final AtomicLong queued = new AtomicLong();
    private final OutboundCounters counters = new OutboundCounters();

    /**
     * @param backlog what {@link Store#load()} found in the queue: it drains first, once the broker is connected
     */
    public StoreAndForwardUpstream(Upstream broker, Store store, OutboundOptions options, StoredState.OutboundSummary backlog) {
        super(broker);
        this.broker = broker;
        this.store = store;
        this.options = options;
        Optional<ScheduledExecutorService> brokerLoop = broker.publishLoop();
        this.ownerIsBrokerLoop = brokerLoop.isPresent();
        this.owner = brokerLoop.orElseGet(() -> SessionLoop.standalone("sngw-outbound"));
        this.writes = new OutboundWrites(store, owner, options.writeDelay().toNanos(), counters);
        this.window = new BrokerWindow(options.window(), options.writeDelay().toNanos());
        this.maxLagNanos = options.maxLag().toNanos();
        this.count = backlog.count();
        this.bytes = backlog.bytes();
        this.lastSeq = backlog.lastSeq();
        this.cursor = backlog.count() == 0 ? backlog.lastSeq() : backlog.firstSeq() - 1;
        this.spilled = backlog.count() > 0;
        queued.set(count);
        owner.execute(() -> ownerThread = Thread.currentThread());
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
        CompletableFuture<Void> witness = new CompletableFuture<>();
        long now = System.nanoTime();
        owner.execute(() -> append(message, witness, now));
        return witness;
    }

    // Subscriptions and the per-sensor methods go straight to the broker's side (ForwardingUpstream).

    /** Messages in the durable queue, not yet acknowledged by the broker. */
    public long queued() {
        return queued.get();
    }

    /**
     * When the oldest message not yet acknowledged by the broker was accepted (epoch millis), of those the queue holds
     * in memory (resent, in flight, next to send); empty when it holds none. Read on the queue's own thread; a backlog
     * that only the disk holds counts from when a batch of it is read back.
     */
    public CompletableFuture<java.util.OptionalLong> oldestEnqueuedAtMillis() {
        return CompletableFuture.supplyAsync(() -> java.util.stream.Stream.of(resend.values(), inFlight.values(),
                        memory.isEmpty() ? java.util.List.<Outgoing>of() : java.util.List.of(memory.peekFirst()))
                .flatMap(java.util.Collection::stream).mapToLong(o -> o.message.enqueuedAtMillis()).min(), owner);
    }

    /** Queued messages the broker acknowledged. */
    public long forwarded() {
        return counters.forwarded.sum();
    }

    /** Queued messages dropped because they were older than {@link OutboundOptions#maxAge()}. */
    public long expired() {
        return counters.expired.sum();
    }

    /** QoS 1/2 publishes refused because the queue was full (the sensor got PUBACK 0x01). */
    public long refusedFull() {
        return counters.refusedFull.sum();
    }

    /** QoS 1/2 publishes refused because the queue lagged too far behind a connected broker (PUBACK 0x01). */
    public long refusedCongested() {
        return counters.refusedCongested.sum();
    }

    /** QoS 0 messages dropped while the broker was unreachable and the memory buffer full. */
    public long qos0Dropped() {
        return counters.qos0Dropped.sum();
    }

    /** Every counter of the queue by name ({@code outbound.…}), for the gateway's counters. */
    public Map<String, Long> counters() {
        Map<String, Long> out = counters.snapshot();
        out.put("outbound.queued", queued.get());
        out.put("outbound.window", (long) window.size());
        return out;
    }

    /** Completes once everything queued before this call is durable and acknowledged deletions are written. */
    public CompletableFuture<Void> sync() {
        return CompletableFuture.supplyAsync(() -> {
            writeEverythingUnwitnessed();
            deleteAcknowledged();
            return null;
        }, owner).thenCompose(v -> store.flush());
    }

    @Override
    public void close() {
        broker.close(); // fails what is in flight: those answers reach the owner before the steps below
        if (ownerIsBrokerLoop) {
            // The loop has ended with the broker: nothing else touches the queue's state any more.
            writeEverythingUnwitnessed();
            deleteAcknowledged();
            return;
        }
        owner.execute(() -> {
            writeEverythingUnwitnessed();
            deleteAcknowledged();
        });
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

    private void append(UpstreamMessage message, CompletableFuture<Void> witness, long acceptedNanos) {
        int size = message.payload().length;
        if (count >= options.maxMessages() || bytes + size > options.maxBytes()) {
            counters.refusedFull.increment();
            if (!fullLogged) {
                fullLogged = true;
                LOG.log(Level.WARNING, "outbound queue full ({0} messages, {1} bytes): refusing QoS 1/2 publishes "
                        + "with PUBACK 0x01 until the broker takes some", count, bytes);
            }
            witness.completeExceptionally(new UpstreamUnavailableException("outbound queue full"));
            return;
        }
        fullLogged = false;
        long lagNanos = connected ? lag.nanos(acceptedNanos) : 0;
        if (lagNanos > OutboundOptions.REFUSE_FACTOR * maxLagNanos) {
            counters.refusedCongested.increment();
            if (!congestionLogged) {
                congestionLogged = true;
                LOG.log(Level.WARNING, "outbound queue: messages wait {0} ms to be sent to the broker: refusing "
                        + "QoS 1/2 publishes with PUBACK 0x01 until it catches up", lagNanos / 1_000_000);
            }
            witness.completeExceptionally(new UpstreamUnavailableException("outbound queue congested"));
            return;
        }
        if (lagNanos <= maxLagNanos) {
            congestionLogged = false;
        }
        account(size);
        ClientRef client = message.client();
        Outgoing o = new Outgoing(new OutboundMessage(++lastSeq, client == null ? "" : client.clientId(),
                message.topic(), message.payload(), message.qos(), message.retain(), System.currentTimeMillis(),
                client == null ? null : client.linkKind()), witness, acceptedNanos, message.receivedAtNanos());
        if (!connected || options.writeDelay().isZero()) {
            writes.now(o); // no broker to wait for, or every message written at once (store.ack: after-store)
        } else if (lagNanos > maxLagNanos) {
            o.held = true; // the sensor waits for the broker: its window paces it to what the broker takes
            counters.held.increment();
        } else {
            writes.unlessAcknowledgedSoonAfterSending(o);
        }
        if (spilled) {
            writes.now(o); // only the disk holds what follows the batch in memory
        } else if (memory.size() < MEMORY_LIMIT) {
            memory.addLast(o);
            if (connected) {
                lag.queued(o);
            }
        } else {
            // The broker is not keeping up: let the disk hold the rest and read it back in order later.
            memory.forEach(writes::now);
            writes.now(o);
            memory.clear();
            lag.reset();
            spilled = true;
        }
        pump();
    }

    private void account(int size) {
        count++;
        bytes += size;
        queued.incrementAndGet();
    }

    /** The broker is gone (or the queue is closing): every message not yet acknowledged is written now. */
    private void writeEverythingUnwitnessed() {
        inFlight.values().forEach(writes::now);
        resend.values().forEach(writes::now);
        memory.forEach(writes::now);
        writes.allWaitingNow();
        lag.reset();
    }

    private void keepWhileOffline(UpstreamMessage message) {
        if (broker.isConnected()) {
            broker.publish(message);
        } else if (qos0Offline.size() < options.maxQos0Offline()) {
            qos0Offline.addLast(message.heldSince(System.currentTimeMillis())); // the bridge may expire it
        } else {
            counters.qos0Dropped.increment();
        }
    }

    private void connectionChanged(boolean up) {
        connected = up;
        if (!up) {
            writeEverythingUnwitnessed();
            return;
        }
        window.reset();
        if (count > 0) {
            LOG.log(Level.INFO, "outbound queue: forwarding a backlog of {0} ({1})", Plural.of(count, "message"),
                    Plural.of(bytes, "byte"));
            drainStartNanos = System.nanoTime();
            drainStartForwarded = forwarded();
        }
        while (!qos0Offline.isEmpty()) {
            broker.publish(qos0Offline.pollFirst());
        }
        pump();
    }

    private void pump() {
        if (!connected || rewinding || pausedAfterFailure || pumping) {
            return;
        }
        pumping = true;
        try {
            sendWhatTheWindowTakes();
        } finally {
            pumping = false;
        }
        if (acknowledged.size() >= DELETE_BATCH || inFlight.isEmpty()) {
            deleteAcknowledged();
        }
    }

    private void sendWhatTheWindowTakes() {
        long oldest = options.maxAge().isZero() ? Long.MIN_VALUE : System.currentTimeMillis() - options.maxAge().toMillis();
        while (inFlight.size() < window.size()) {
            Outgoing next = next();
            if (next == null) {
                break;
            }
            if (next.message.enqueuedAtMillis() < oldest) {
                counters.expired.increment();
                if (next.witness != null) {
                    next.witness.completeExceptionally(new UpstreamUnavailableException("expired in the queue"));
                }
                removeFromQueue(next);
                continue;
            }
            send(next);
        }
    }

    private Outgoing next() {
        if (!resend.isEmpty()) {
            return resend.pollFirstEntry().getValue();
        }
        if (memory.isEmpty() && spilled) {
            refillFromDisk();
            return null;
        }
        Outgoing next = memory.pollFirst();
        if (next != null) {
            cursor = next.seq();
        }
        return next;
    }

    /**
     * Asks the store for the next batch after the cursor; {@link #refilled} continues on the owner. Messages appended
     * meanwhile go to the disk only (the queue is still spilled), so they are read in a later batch, in order.
     */
    private void refillFromDisk() {
        if (refilling) {
            return;
        }
        refilling = true;
        long lastAppended = lastSeq;
        store.readOutboundAfterWrites(cursor, READ_BATCH).whenComplete((batch, failure) -> {
            try {
                owner.execute(() -> refilled(batch, failure, lastAppended));
            } catch (RejectedExecutionException closing) {
                // the queue is closing: what is on disk stays there for the next start
            }
        });
    }

    private void refilled(List<OutboundMessage> batch, Throwable failure, long lastAppendedBeforeRead) {
        refilling = false;
        if (failure != null) {
            LOG.log(Level.WARNING, "outbound queue: reading the backlog from disk failed, trying again in 1 s", failure);
            owner.schedule(this::pump, 1, TimeUnit.SECONDS);
            return;
        }
        batch.forEach(m -> memory.addLast(Outgoing.readBack(m)));
        // A short batch is the end of what is only on disk, unless messages were appended (to disk) during the read.
        if (batch.size() < READ_BATCH && lastSeq == lastAppendedBeforeRead) {
            spilled = false;
        }
        pump();
    }

    private void send(Outgoing o) {
        o.sent = true;
        o.sentNanos = System.nanoTime();
        writes.sent(o);
        inFlight.put(o.seq(), o);
        OutboundMessage m = o.message;
        UpstreamMessage message = new UpstreamMessage(m.topic(), m.payload(), m.qos(), m.retain(), m.client());
        broker.publish(o.receivedNanos == 0 ? message : message.receivedAt(o.receivedNanos))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        witnessedByBroker(o);
                    }
                    if (Thread.currentThread() == ownerThread && !pumping) {
                        answered(o, failure); // on the broker's loop, which owns the queue: no hand-off
                    } else {
                        owner.execute(() -> answered(o, failure)); // or answered within send(): not re-entered
                    }
                });
    }

    /**
     * The broker has the message: the sensor is acknowledged now, on the broker connection's thread, not after a hop
     * through the queue's own. That hop (a wake-up of this thread, then one of the session's) was a whole thread
     * hand-off in every lockstep round trip; the bookkeeping ({@link #answered}) follows on the owner. Safe because
     * the witness is thread-safe and the broker holds the message whatever the queue does next; a disk write the
     * owner or the writer has not started yet is skipped or, once on disk, deleted by {@link #answered} as before.
     */
    private void witnessedByBroker(Outgoing o) {
        if (o.witness != null && o.witness.complete(null)) {
            counters.witnessedByBroker.increment();
        }
    }

    private void answered(Outgoing o, Throwable failure) {
        inFlight.remove(o.seq());
        if (failure == null) {
            long now = System.nanoTime();
            window.acknowledged(now - o.sentNanos, spilled || !memory.isEmpty(), now);
            counters.forwarded.increment();
            if (!removeFromQueue(o)) {
                counters.writesAvoided.increment();
            }
        } else {
            resend.put(o.seq(), o);
            rewinding = true;
            if (!connected) {
                writes.now(o);
            }
        }
        if (rewinding && inFlight.isEmpty()) {
            rewinding = false;
            if (failure != null && broker.isConnected() && !pausedAfterFailure) {
                // Refused while connected (a full window, a connection going down): try again in a moment.
                pausedAfterFailure = true;
                resend.values().forEach(writes::now); // they wait: the disk is their witness meanwhile
                owner.schedule(() -> {
                    pausedAfterFailure = false;
                    pump();
                }, 1, TimeUnit.SECONDS);
                return;
            }
        }
        pump();
    }

    /** @return whether the message's row is on disk (its deletion is now due) */
    private boolean removeFromQueue(Outgoing o) {
        count--;
        bytes -= o.message.payload().length;
        queued.decrementAndGet();
        boolean onDisk = o.leftTheQueue();
        if (onDisk) {
            acknowledged.add(o.seq());
        }
        if (count == 0 && drainStartNanos != 0) {
            long nanos = Math.max(1, System.nanoTime() - drainStartNanos);
            long messages = forwarded() - drainStartForwarded;
            LOG.log(Level.INFO, "outbound queue: backlog drained, {0} forwarded in {1} ms ({2} msg/s)",
                    Plural.of(messages, "message"), TimeUnit.NANOSECONDS.toMillis(nanos),
                    messages * 1_000_000_000L / nanos);
            drainStartNanos = 0;
        }
        return onDisk;
    }

    private void deleteAcknowledged() {
        if (!acknowledged.isEmpty()) {
            store.deleteOutbound(List.copyOf(acknowledged));
            acknowledged.clear();
        }
    }
}
