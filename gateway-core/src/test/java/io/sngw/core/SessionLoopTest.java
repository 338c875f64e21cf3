package io.sngw.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionLoopTest {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final SessionLoop loop = new SessionLoop("test-loop", timer);

    @AfterEach
    void close() {
        loop.shutdown();
        timer.shutdownNow();
    }

    @Test
    void runsTasksInOrderOnOneThread() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            loop.execute(() -> {
                seen.add(n);
                threads.add(Thread.currentThread());
            });
        }
        loop.execute(done::countDown);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(IntStream.range(0, 10_000).boxed().toList(), seen);
        assertEquals(1, threads.stream().distinct().count());
    }

    @Test
    void aTimerCancelledOnTheLoopNeverRunsEvenWhenAlreadyDue() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        CountDownLatch checked = new CountDownLatch(1);
        loop.execute(() -> {
            ScheduledFuture<?> timer = loop.schedule(() -> ran.set(true), 1, TimeUnit.MILLISECONDS);
            sleep(50); // the timer is due and posted behind this task
            timer.cancel(false);
        });
        loop.schedule(checked::countDown, 100, TimeUnit.MILLISECONDS);
        assertTrue(checked.await(5, TimeUnit.SECONDS));
        assertFalse(ran.get());
    }

    @Test
    void anOutsideProducerWaitsWhenTheQueueIsFullAndGoesOnOnceItDrains() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> await(release));
        for (int i = 0; i < SessionLoop.MAX_QUEUED; i++) {
            loop.execute(() -> { });
        }
        AtomicBoolean posted = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            loop.execute(() -> { });
            posted.set(true);
        });
        producer.start();
        producer.join(200);
        assertFalse(posted.get(), "a full queue must hold an outside producer back");
        release.countDown();
        producer.join(5000);
        assertTrue(posted.get());
    }

    @Test
    void shutdownRunsWhatIsQueuedAndDropsPendingTimers() throws Exception {
        AtomicBoolean timerRan = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        loop.schedule(() -> timerRan.set(true), 200, TimeUnit.MILLISECONDS);
        loop.execute(() -> queuedRan.set(true));
        loop.shutdown();
        assertTrue(loop.awaitTermination(2, TimeUnit.SECONDS));
        Thread.sleep(300);
        assertTrue(queuedRan.get());
        assertFalse(timerRan.get());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
