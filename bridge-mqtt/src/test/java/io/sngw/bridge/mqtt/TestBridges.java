package io.sngw.bridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.sngw.core.upstream.UpstreamMessage;

/** Shared bits of the bridge tests: fast reconnects, future helpers. */
final class TestBridges {

    private static final AtomicInteger IDS = new AtomicInteger();

    private TestBridges() {
    }

    /** Plain TCP to 127.0.0.1:port, a unique client id, reconnect backoff 50..200 ms. */
    static BridgeOptions options(int port) {
        return BridgeOptions.of("127.0.0.1", port, "sngw-test-" + ProcessHandle.current().pid() + "-"
                + IDS.incrementAndGet())
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .withConnectTimeout(Duration.ofSeconds(2));
    }

    static UpstreamMessage message(String topic, String payload, int qos, boolean retain) {
        return new UpstreamMessage(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(RecordingListener.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future not complete within " + RecordingListener.WAIT);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits for the future to fail and returns the cause. */
    static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(RecordingListener.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("future neither failed nor completed within " + RecordingListener.WAIT);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The cause of a future that must already have failed (no waiting). */
    static Throwable failedAlready(CompletableFuture<?> future) {
        assertTrue(future.isCompletedExceptionally(), "future must have failed at once, is " + future);
        return failure(future);
    }

    static void eventually(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + RecordingListener.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " not reached within " + RecordingListener.WAIT);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
