package io.sngw.core.store;

import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the upstream has a loop of its own ({@link Upstream#publishLoop()}), the outbound queue lives on it: sending
 * and hearing the broker's answer cost no hand-off to a thread of the queue's. Nothing on that loop may block, so the
 * backlog is read back from disk asynchronously; it still drains in order, with what sensors send meanwhile after it.
 */
class QueueOnTheBrokersLoopTest {
    private static final ClientRef SENSOR = new ClientRef("s-1", "udp");
    private static final long WAIT_MS = 60_000;

    private final ScheduledExecutorService brokerLoop = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "broker-loop"));
    private final ExecutorService storeThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "store-reader"));

    @AfterEach
    void stop() {
        brokerLoop.shutdownNow();
        storeThread.shutdownNow();
    }

    /** A connected broker that acknowledges every publish on its loop, and says on which thread each came. */
    private static final class AckingBroker {
        final List<String> topics = new CopyOnWriteArrayList<>();
        final List<String> publishThreads = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService loop;
        volatile UpstreamListener listener;

        AckingBroker(ScheduledExecutorService loop) {
            this.loop = loop;
        }

        Upstream asUpstream(boolean withLoop) {
            return (Upstream) Proxy.newProxyInstance(Upstream.class.getClassLoader(), new Class<?>[] {Upstream.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "start" -> {
                            listener = (UpstreamListener) args[0];
                            yield null;
                        }
                        case "publish" -> {
                            topics.add(((UpstreamMessage) args[0]).topic());
                            publishThreads.add(Thread.currentThread().getName());
                            CompletableFuture<Void> ack = new CompletableFuture<>();
                            loop.execute(() -> ack.complete(null));
                            yield ack;
                        }
                        case "isConnected" -> true;
                        case "publishLoop" -> withLoop ? Optional.of(loop) : Optional.empty();
                        default -> null;
                    });
        }
    }

    /** The outbound table of a store: appends and deletions apply in order; reads back happen on a thread of its own. */
    private final class OutboundTable {
        final TreeMap<Long, OutboundMessage> rows = new TreeMap<>();
        final List<String> readThreads = new CopyOnWriteArrayList<>();

        synchronized void add(OutboundMessage m) {
            rows.put(m.seq(), m);
        }

        synchronized List<OutboundMessage> read(long afterSeq, int max) {
            readThreads.add(Thread.currentThread().getName());
            return new ArrayList<>(rows.tailMap(afterSeq, false).values()).subList(0,
                    Math.min(max, rows.tailMap(afterSeq, false).size()));
        }

        Store asStore() {
            return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "appendOutbound" -> {
                            if (args.length == 1 || ((BooleanSupplier) args[1]).getAsBoolean()) {
                                add((OutboundMessage) args[0]);
                            }
                            yield CompletableFuture.completedFuture(null);
                        }
                        case "deleteOutbound" -> {
                            synchronized (this) {
                                ((List<?>) args[0]).forEach(rows::remove);
                            }
                            yield null;
                        }
                        case "readOutbound" -> read((long) args[0], (int) args[1]);
                        case "readOutboundAfterWrites" -> CompletableFuture.supplyAsync(
                                () -> read((long) args[0], (int) args[1]), storeThread);
                        default -> method.invoke(NoStore.INSTANCE, args);
                    });
        }
    }

    /** Starts the queue and lets the broker say it is connected; messages from the broker are not this test's. */
    private static void startConnected(StoreAndForwardUpstream outbound, AckingBroker broker) {
        outbound.start((UpstreamListener) Proxy.newProxyInstance(UpstreamListener.class.getClassLoader(),
                new Class<?>[] {UpstreamListener.class}, (proxy, method, args) -> null));
        broker.listener.onConnectionChanged(true);
    }

    private static OutboundMessage queued(long seq) {
        return new OutboundMessage(seq, SENSOR.clientId(), "backlog/" + seq, ("m" + seq).getBytes(StandardCharsets.UTF_8),
                1, false, System.currentTimeMillis(), SENSOR.linkKind());
    }

    @Test
    void aBacklogLargerThanMemoryDrainsInOrderAfterARestartWithNewMessagesAfterIt() throws Exception {
        int backlog = 25_000; // more than the queue keeps in memory, and many read batches
        OutboundTable table = new OutboundTable();
        long bytes = 0;
        for (long seq = 1; seq <= backlog; seq++) {
            table.add(queued(seq));
            bytes += queued(seq).payload().length;
        }
        AckingBroker broker = new AckingBroker(brokerLoop);
        StoreAndForwardUpstream outbound = new StoreAndForwardUpstream(broker.asUpstream(true), table.asStore(),
                OutboundOptions.defaults(), new StoredState.OutboundSummary(backlog, bytes, 1, backlog));
        startConnected(outbound, broker);
        int fresh = 300;
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < fresh; i++) { // sent while the backlog drains
            acks.add(outbound.publish(new UpstreamMessage("fresh/" + i, new byte[] {1}, 1, false, SENSOR)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(WAIT_MS, TimeUnit.MILLISECONDS);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (outbound.queued() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }

        List<String> expected = new ArrayList<>();
        for (long seq = 1; seq <= backlog; seq++) {
            expected.add("backlog/" + seq);
        }
        for (int i = 0; i < fresh; i++) {
            expected.add("fresh/" + i);
        }
        assertEquals(expected, broker.topics, "every message once, the backlog first, in order");
        assertEquals(0, outbound.queued());
        assertTrue(table.readThreads.stream().noneMatch("broker-loop"::equals), "no read blocks the broker's loop");
        assertTrue(broker.publishThreads.stream().allMatch("broker-loop"::equals),
                "the queue sends from the broker's loop: " + broker.publishThreads.stream().distinct().toList());
        outbound.close();
    }

    @Test
    void withoutALoopOfTheUpstreamsTheQueueKeepsAThreadOfItsOwn() throws Exception {
        AckingBroker broker = new AckingBroker(brokerLoop);
        StoreAndForwardUpstream outbound = new StoreAndForwardUpstream(broker.asUpstream(false),
                new OutboundTable().asStore(), OutboundOptions.defaults(), new StoredState.OutboundSummary(0, 0, 0, 0));
        startConnected(outbound, broker);
        outbound.publish(new UpstreamMessage("t", new byte[] {1}, 1, false, SENSOR)).get(WAIT_MS, TimeUnit.MILLISECONDS);

        assertEquals(List.of("sngw-outbound"), broker.publishThreads);
        outbound.close();
    }
}
