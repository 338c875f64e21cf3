package io.sngw.core.store;

import io.sngw.core.upstream.ClientRef;
import io.sngw.core.upstream.Upstream;
import io.sngw.core.upstream.UpstreamListener;
import io.sngw.core.upstream.UpstreamMessage;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's acknowledgement acknowledges the sensor by itself: it does not wait for the outbound queue's own
 * thread, whose bookkeeping follows. (In lockstep that thread's wake-up was a whole hand-off per round trip.)
 */
class BrokerWitnessTest {
    private static final ClientRef SENSOR = new ClientRef("s-1", "udp");

    /** A connected broker whose acknowledgements the test gives (what the queue does not use answers nothing). */
    private static final class HeldAcksBroker {
        final List<CompletableFuture<Void>> acks = new CopyOnWriteArrayList<>();
        volatile UpstreamListener listener;

        Upstream asUpstream() {
            return (Upstream) Proxy.newProxyInstance(Upstream.class.getClassLoader(), new Class<?>[] {Upstream.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "start" -> {
                            listener = (UpstreamListener) args[0];
                            yield null;
                        }
                        case "publish" -> {
                            CompletableFuture<Void> ack = new CompletableFuture<>();
                            acks.add(ack);
                            yield ack;
                        }
                        case "isConnected" -> true;
                        case "publishLoop" -> java.util.Optional.empty(); // the queue on a thread of its own
                        default -> null;
                    });
        }
    }

    /** No store but its outbound queue's append, which waits until the test lets it go, holding the queue's thread. */
    private static final class BlockingStore {
        final CountDownLatch appending = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Store asStore() {
            return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                    (proxy, method, args) -> method.getName().equals("appendOutbound")
                            ? append((BooleanSupplier) args[1])
                            : method.invoke(NoStore.INSTANCE, args));
        }

        private CompletableFuture<Void> append(BooleanSupplier stillNeeded) throws InterruptedException {
            appending.countDown();
            release.await();
            stillNeeded.getAsBoolean();
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void theBrokersAckAcknowledgesTheSensorWhileTheQueuesThreadIsBusy() throws Exception {
        HeldAcksBroker broker = new HeldAcksBroker();
        BlockingStore store = new BlockingStore();
        StoreAndForwardUpstream outbound = new StoreAndForwardUpstream(broker.asUpstream(), store.asStore(), OutboundOptions.defaults(),
                new StoredState.OutboundSummary(0, 0, 0, 0));
        try {
            outbound.start(new UpstreamListener() {
                @Override
                public void onMessage(UpstreamMessage message, Runnable taken) {
                }

                @Override
                public void onConnectionChanged(boolean up) {
                }
            });
            broker.listener.onConnectionChanged(true);
            CompletableFuture<Void> sensorAck = outbound.publish(
                    new UpstreamMessage("t", "m1".getBytes(StandardCharsets.UTF_8), 1, false, SENSOR));
            awaitTrue(() -> broker.acks.size() == 1);

            outbound.sync(); // the queue's thread writes the message in flight: the store holds it there
            assertTrue(store.appending.await(10, TimeUnit.SECONDS), "the queue's thread reached the store");
            broker.acks.get(0).complete(null);

            sensorAck.get(10, TimeUnit.SECONDS); // the old queue answered only once its thread was free again
            assertEquals(1L, outbound.counters().get("outbound.acknowledged.by.broker"));
            assertEquals(1L, outbound.queued(), "the queue's bookkeeping still waits for its thread");
            store.release.countDown();
            awaitTrue(() -> outbound.queued() == 0);
            assertFalse(outbound.counters().get("outbound.acknowledged.by.store") > 0, "the broker was first");
        } finally {
            store.release.countDown();
            outbound.close();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(5);
        }
    }
}
