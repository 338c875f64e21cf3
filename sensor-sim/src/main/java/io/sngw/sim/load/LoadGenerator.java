package io.sngw.sim.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Load for the gateway: N simulated sensors, each on its own UDP socket with its own {@code MqttSnClient}, publish
 * to {@code <prefix>/<i>} through the gateway while a Paho subscriber on {@code <prefix>/#} at the broker counts what
 * really arrives. See {@link LoadOptions} for the knobs and {@link LoadResult} for the figures.
 *
 * <p>A run: the broker-side subscriber connects and subscribes first; the sensors connect and register; the
 * warm-up phase runs (if any) and its deliveries are let drain; then the measured phase runs until each sensor has
 * sent its messages or the duration is over; the run waits for the last acknowledgements and for the broker to
 * receive what is still on its way (up to the drain timeout, or until nothing has arrived for a second), and the
 * sensors disconnect. By default QoS 1/2 publishes are not resent (a sensor's retry would turn a slow ack into a
 * duplicate): one without an answer within the ack timeout counts as failed. With {@code --retry} the sensors resend
 * CONNECT, REGISTER and QoS 1/2 PUBLISHes as real ones do, and a publish fails only once its retries are spent: the
 * loss is then what a real sensor sees, e.g. beside a flood that makes the kernel drop some of its datagrams.
 *
 * <p>Nothing is paced unless a rate is offered ({@link #offering}): QoS 0 sensors send as fast as their socket takes it. What the gateway cannot take (its UDP
 * receive buffer overflowing) is lost, and that loss is reported as it is measured at the broker. QoS 1/2 sensors
 * (and the Paho reference) each have a thread of their own; QoS 0 and -1 sensors, which wait for nothing, take
 * turns on a few shared threads, one message each per round, each still on its own socket.
 *
 * <p>Plain-Java use: {@code LoadResult r = new LoadGenerator(options).run();}. Command line: see
 * {@link LoadGeneratorCommand#usage()}.
 */
public final class LoadGenerator {
    private static final System.Logger LOG = System.getLogger(LoadGenerator.class.getName());
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long WARMUP_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int MAX_ERRORS_KEPT = 10;
    /**
     * Threads sending for all QoS 0 / -1 sensors together (see {@link #drive}). One: on the 2-core bench machine a
     * second sender only took CPU from the gateway (100 sensors: ~22k delivered/s with two, ~25-33k with one).
     */
    static final int UNWINDOWED_SENDERS = 1;

    private final LoadOptions options;
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;
    private volatile long measureDeadlineNanos;

    /** Messages a second offered by all sensors together; 0 = as fast as the sockets (or windows) take them. */
    private double offeredPerSecond;
    /** MQTT-SN sensors sleep this long between their messages ({@link #sleeping}); zero: always awake. */
    private Duration sleep = Duration.ZERO;
    /** The sensors of the run in progress and their broker-side counter, for {@link #progress()}. */
    private final List<Sensor> running = new CopyOnWriteArrayList<>();
    private volatile BrokerCounter liveCounter;

    public LoadGenerator(LoadOptions options) {
        this.options = options;
    }

    /**
     * Paces the sensors to {@code perSecond} messages a second, all together (a fixed offered load, e.g. more than the
     * broker takes, to see what a gateway drops); 0 = unpaced. QoS 1/2 sensors each keep their share of the rate, and
     * send more slowly still when their window is full.
     */
    public LoadGenerator offering(double perSecond) {
        if (perSecond < 0 || Double.isNaN(perSecond)) {
            throw new IllegalArgumentException("rate must be >= 0: " + perSecond);
        }
        this.offeredPerSecond = perSecond;
        return this;
    }

    /**
     * Makes the MQTT-SN sensors battery sensors: between two messages each sleeps, announcing {@code between}
     * (DISCONNECT with a duration), and wakes with a CONNECT that keeps its session to publish the next. With QoS 1/2
     * the publish is then answered before the sensor sleeps again, and its ack latency counts from the wake-up.
     * Zero: always awake. Not for QoS -1 or the Paho reference.
     */
    public LoadGenerator sleeping(Duration between) {
        if (between.isNegative() || between.toSeconds() > 0xFFFF) {
            throw new IllegalArgumentException("sleep must be 0..65535 s: " + between);
        }
        this.sleep = between;
        return this;
    }

    /** What the run in progress has done so far; {@link Progress#NONE} before it has sensors. */
    public Progress progress() {
        long sent = 0, acked = 0, lost = 0;
        for (Sensor s : running) {
            synchronized (s) {
                for (int phase = 0; phase < 2; phase++) {
                    sent += s.sent[phase];
                    acked += s.accepted[phase];
                    lost += s.refused[phase] + s.failed[phase];
                }
            }
        }
        BrokerCounter counter = liveCounter;
        return new Progress(sent, acked, lost, counter == null ? 0 : counter.delivered());
    }

    /**
     * Runs the scenario and returns its figures. Bounded: at most warm-up + duration + ack timeout + drain timeout
     * and a few seconds of set-up and goodbye.
     *
     * @throws IllegalStateException when the broker-side subscriber or a sensor cannot be set up
     */
    public LoadResult run() throws InterruptedException {
        String runTag = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
        int subQos = Math.max(0, options.qos());
        BrokerCounter counter;
        try {
            counter = new BrokerCounter(options.brokerUrl(), options.topicPrefix() + "/#", subQos, options.sensors());
        } catch (Exception e) {
            throw new IllegalStateException("cannot subscribe at the broker " + options.brokerUrl() + ": " + e, e);
        }
        liveCounter = counter;
        List<Sensor> sensors = new ArrayList<>();
        try {
            for (int i = 0; i < options.sensors(); i++) {
                // MQTT-SN client ids: 1..23 characters.
                String clientId = "lg" + runTag + "-" + i;
                SensorLink link = options.reference() ? new SensorLink.Paho(options, i, clientId)
                        : new SensorLink.MqttSn(options, i, clientId, sleep);
                Sensor sensor = new Sensor(i, link);
                sensors.add(sensor);
                running.add(sensor);
            }
            return drive(sensors, counter);
        } finally {
            stop = true;
            goodbye(sensors);
            counter.close();
        }
    }

    private LoadResult drive(List<Sensor> sensors, BrokerCounter counter) throws InterruptedException {
        long warmupNanos = options.warmup().toNanos();
        long warmupDeadline = System.nanoTime() + warmupNanos;
        CountDownLatch warmedUp = new CountDownLatch(sensors.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        if (sensors.get(0).link.windowed()) {
            for (Sensor s : sensors) {
                threads.add(new Thread(() -> s.runSafely(warmupNanos > 0, warmupDeadline, warmedUp, go),
                        "load-sensor-" + s.index));
            }
        } else {
            // Nothing comes back to wait for, so a thread per sensor buys nothing: on a small machine a hundred
            // threads spinning on send() starve the gateway they are measuring. A few threads take turns over the
            // sensors' sockets instead; the gateway still sees each sensor on its own address.
            int senders = Math.min(sensors.size(), UNWINDOWED_SENDERS);
            for (int k = 0; k < senders; k++) {
                List<Sensor> group = new ArrayList<>();
                for (int i = k; i < sensors.size(); i += senders) {
                    group.add(sensors.get(i));
                }
                threads.add(new Thread(() -> runTurnsSafely(group, warmupNanos > 0, warmupDeadline, warmedUp, go),
                        "load-sender-" + k));
            }
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });

        long setupSlack = options.answerTimeout().toNanos() + TimeUnit.SECONDS.toNanos(10);
        if (!warmedUp.await(warmupNanos + setupSlack, TimeUnit.NANOSECONDS)) {
            error("the warm-up did not finish in time; stopping");
            stop = true;
        }
        if (warmupNanos > 0) {
            // Let the warm-up's messages reach the broker, so that they do not land in the measured interval.
            long expected = 0;
            for (Sensor s : sensors) {
                expected += options.qos() >= 1 ? s.accepted(Payload.WARMUP) : s.sent[Payload.WARMUP];
            }
            awaitBroker(counter::deliveredWarmup, expected, WARMUP_QUIET_NANOS);
        }

        long measureStart = System.nanoTime();
        measureDeadlineNanos = measureStart + options.duration().toNanos();
        go.countDown();
        long joinDeadline = measureDeadlineNanos + setupSlack;
        for (Thread t : threads) {
            long left = joinDeadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        if (threads.stream().anyMatch(Thread::isAlive)) {
            error("sensors still busy " + TimeUnit.NANOSECONDS.toSeconds(setupSlack) + " s after the deadline; stopping");
            stop = true;
            for (Thread t : threads) {
                t.join(TimeUnit.NANOSECONDS.toMillis(setupSlack));
            }
        }
        long sendEnd = measureStart;
        long sentMeasured = 0;
        for (Sensor s : sensors) {
            sendEnd = Math.max(sendEnd, s.sendEndNanos);
            sentMeasured += s.sent[Payload.MEASURED];
        }
        awaitBroker(counter::deliveredMeasured, sentMeasured, QUIET_NANOS);
        return result(sensors, counter, measureStart, sendEnd);
    }

    /** {@link Sensor#runSafely} for a group of unwindowed sensors sharing one thread: one message from each in turn. */
    private void runTurnsSafely(List<Sensor> group, boolean warmup, long warmupDeadline, CountDownLatch warmedUp,
                                CountDownLatch go) {
        int counted = 0;
        try {
            if (warmup) {
                takeTurns(group, Payload.WARMUP, warmupDeadline, 0);
            }
            for (Sensor s : group) {
                s.startMeasured();
                warmedUp.countDown();
                counted++;
            }
            go.await();
            takeTurns(group, Payload.MEASURED, measureDeadlineNanos, options.messagesPerSensor());
            long end = System.nanoTime();
            group.forEach(s -> s.sendEndNanos = end);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            error("sender for sensors " + group.get(0).index + "..: " + e);
        } finally {
            for (; counted < group.size(); counted++) {
                warmedUp.countDown(); // a group that failed early must not hold the others back
            }
        }
    }

    /**
     * Rounds of one message per sensor until the deadline or {@code count} rounds; a sensor whose send fails drops out.
     * With an offered rate, each send waits for its turn on the schedule (this thread's share of the rate).
     */
    private void takeTurns(List<Sensor> group, byte phase, long deadline, long count) {
        Sensor[] live = group.toArray(new Sensor[0]);
        int n = live.length;
        int senders = Math.min(options.sensors(), UNWINDOWED_SENDERS);
        double nanosPerSend = offeredPerSecond > 0 ? 1e9 * senders / offeredPerSecond : 0;
        long start = System.nanoTime();
        long sends = 0;
        for (long round = 0; n > 0 && !stop && (count == 0 || round < count) && System.nanoTime() - deadline < 0;
             round++) {
            for (int i = 0; i < n; ) {
                if (nanosPerSend > 0) {
                    long ahead = start + (long) (sends++ * nanosPerSend) - System.nanoTime();
                    if (ahead > 200_000) {
                        LockSupport.parkNanos(ahead);
                    }
                }
                if (live[i].sendNext(phase, false)) {
                    i++;
                } else {
                    live[i] = live[--n];
                }
            }
        }
    }

    /** Waits until {@code delivered} reaches {@code expected}, or nothing arrived for {@code quietNanos}, or the drain timeout. */
    private void awaitBroker(java.util.function.LongSupplier delivered, long expected, long quietNanos)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + options.drainTimeout().toNanos();
        long lastCount = -1;
        long lastChange = start;
        while (true) {
            long now = System.nanoTime();
            long count = delivered.getAsLong();
            if (count >= expected || now - deadline >= 0) {
                return;
            }
            if (count != lastCount) {
                lastCount = count;
                lastChange = now;
            } else if (now - lastChange >= quietNanos) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private LoadResult result(List<Sensor> sensors, BrokerCounter counter, long measureStart, long sendEnd) {
        boolean acknowledged = options.qos() >= 1;
        long sent = 0, acked = 0, rejected = 0, failed = 0, open = 0, warmupSent = 0;
        long lostAcked = 0, deliveredUnacked = 0;
        Histogram ack = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        for (Sensor s : sensors) {
            synchronized (s) {
                sent += s.sent[Payload.MEASURED];
                warmupSent += s.sent[Payload.WARMUP];
                acked += s.accepted[Payload.MEASURED];
                rejected += s.refused[Payload.MEASURED];
                failed += s.failed[Payload.MEASURED];
                ack.add(s.ackMicros);
                if (acknowledged) {
                    BitSet arrived = counter.arrived(s.index);
                    int first = s.firstMeasuredSeq;
                    BitSet ackedMeasured = s.ackedSeqs.get(first, Math.max(first, s.ackedSeqs.length()));
                    BitSet arrivedMeasured = arrived.get(first, Math.max(first, arrived.length()));
                    BitSet lost = (BitSet) ackedMeasured.clone();
                    lost.andNot(arrivedMeasured);
                    lostAcked += lost.cardinality();
                    BitSet unacked = (BitSet) arrivedMeasured.clone();
                    unacked.andNot(ackedMeasured);
                    deliveredUnacked += unacked.cardinality();
                }
            }
        }
        if (acknowledged) {
            open = sent - acked - rejected - failed;
        }
        long delivered = counter.deliveredMeasured();
        long lost = acknowledged ? lostAcked : sent - delivered;
        long lastDelivery = counter.lastMeasuredNanos();
        double deliverySeconds = lastDelivery > measureStart ? (lastDelivery - measureStart) / 1e9 : 0;
        Histogram e2e = counter.endToEndMicros();
        Throwable lostConnection = counter.connectionLost();
        if (lostConnection != null) {
            error("the broker-side counter lost its connection: " + lostConnection);
        }
        boolean ackFigures = acknowledged && ack.getTotalCount() > 0;
        return new LoadResult(options, sent, acked, rejected, failed, open, delivered, lost,
                counter.duplicatesMeasured(), deliveredUnacked, counter.foreign(), (sendEnd - measureStart) / 1e9,
                deliverySeconds,
                ackFigures ? ack.getValueAtPercentile(50) : -1, ackFigures ? ack.getValueAtPercentile(99) : -1,
                ackFigures ? ack.getMaxValue() : -1,
                e2e.getTotalCount() > 0 ? e2e.getValueAtPercentile(50) : -1,
                e2e.getTotalCount() > 0 ? e2e.getValueAtPercentile(99) : -1,
                warmupSent, counter.deliveredWarmup(), errors);
    }

    private void goodbye(List<Sensor> sensors) {
        boolean answering = true;
        for (Sensor s : sensors) {
            try {
                if (answering && s.link instanceof SensorLink.MqttSn sn && !sn.disconnect()) {
                    answering = false; // the gateway is not answering: do not wait a second for each of the rest
                }
                s.link.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing sensor " + s.index + ": " + e);
            }
        }
    }

    private void error(String message) {
        synchronized (errors) {
            if (errors.size() < MAX_ERRORS_KEPT) {
                errors.add(message);
            } else if (errors.size() == MAX_ERRORS_KEPT) {
                errors.add("(more errors not kept)");
            }
        }
    }

    /** One simulated sensor: its link, its counters per phase, the sequence numbers acknowledged, ack latencies. */
    private final class Sensor {
        final int index;
        final SensorLink link;
        final Semaphore window;
        final int permits;
        // guarded by this; indexed by phase
        final long[] sent = new long[2];
        final long[] accepted = new long[2];
        final long[] refused = new long[2];
        final long[] failed = new long[2];
        final BitSet ackedSeqs = new BitSet();
        final Histogram ackMicros = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        int firstMeasuredSeq;
        volatile long sendEndNanos;
        private int nextSeq;

        Sensor(int index, SensorLink link) {
            this.index = index;
            this.link = link;
            this.permits = options.qos() >= 1 ? options.window() : SensorLink.Paho.QOS0_WINDOW;
            this.window = new Semaphore(permits);
        }

        synchronized long accepted(int phase) {
            return accepted[phase];
        }

        void runSafely(boolean warmup, long warmupDeadline, CountDownLatch warmedUp, CountDownLatch go) {
            boolean counted = false;
            try {
                if (warmup) {
                    runPhase(Payload.WARMUP, warmupDeadline, 0);
                    awaitOutstanding();
                }
                startMeasured();
                warmedUp.countDown();
                counted = true;
                go.await();
                runPhase(Payload.MEASURED, measureDeadlineNanos, options.messagesPerSensor());
                sendEndNanos = System.nanoTime();
                awaitOutstanding();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                error("sensor " + index + ": " + e);
            } finally {
                if (!counted) {
                    warmedUp.countDown(); // a sensor that failed early must not hold the others back
                }
            }
        }

        synchronized void startMeasured() {
            firstMeasuredSeq = nextSeq;
        }

        private void runPhase(byte phase, long deadline, long count) throws InterruptedException {
            boolean windowed = link.windowed();
            long windowWait = options.answerTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            // This sensor's share of an offered rate, its first message staggered so that the sensors take turns.
            double nanosPerSend = offeredPerSecond > 0 ? 1e9 * options.sensors() / offeredPerSecond : 0;
            long start = System.nanoTime() + (long) (nanosPerSend * index / options.sensors());
            for (long n = 0; !stop && (count == 0 || n < count) && System.nanoTime() - deadline < 0; n++) {
                if (nanosPerSend > 0 && !awaitTurn(start + (long) (n * nanosPerSend), deadline)) {
                    return;
                }
                if (windowed && !window.tryAcquire(windowWait, TimeUnit.NANOSECONDS)) {
                    error("sensor " + index + ": the window stayed full past the ack timeout");
                    return;
                }
                if (!sendNext(phase, windowed)) {
                    return;
                }
            }
        }

        /** Parks until {@code due}; false when the run stops or its deadline comes first. */
        private boolean awaitTurn(long due, long deadline) {
            for (long now = System.nanoTime(); now - due < 0; now = System.nanoTime()) {
                if (stop || now - deadline >= 0) {
                    return false;
                }
                // in slices, so that the end of the run is not missed by a sensor with seconds between messages
                LockSupport.parkNanos(Math.min(due - now, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return !stop;
        }

        /** Sends this sensor's next message (holding a window permit when windowed); false when the sensor stops. */
        boolean sendNext(byte phase, boolean windowed) {
            int seq;
            synchronized (this) {
                seq = nextSeq++;
            }
            long t0 = System.nanoTime();
            byte[] payload = Payload.encode(options.payloadSize(), phase, index, seq, t0);
            CompletableFuture<Boolean> answer;
            try {
                answer = link.publish(payload);
            } catch (RuntimeException e) {
                if (windowed) {
                    window.release();
                }
                error("sensor " + index + ": send failed, sensor stops: " + e);
                return false;
            }
            synchronized (this) {
                sent[phase]++;
            }
            if (answer != null) {
                answer.whenComplete((ok, failure) -> {
                    complete(phase, seq, t0, ok, failure);
                    window.release();
                });
            }
            return true;
        }

        private void complete(byte phase, int seq, long t0, Boolean ok, Throwable failure) {
            long micros = (System.nanoTime() - t0) / 1000;
            synchronized (this) {
                if (failure != null) {
                    failed[phase]++;
                    if (failed[phase] == 1) {
                        error("sensor " + index + ": first publish without an answer: " + rootMessage(failure));
                    }
                } else if (Boolean.TRUE.equals(ok)) {
                    accepted[phase]++;
                    ackedSeqs.set(seq);
                    if (phase == Payload.MEASURED) {
                        ackMicros.recordValue(Math.min(micros, ackMicros.getHighestTrackableValue()));
                    }
                } else {
                    refused[phase]++;
                }
            }
        }

        /** Waits until every windowed publish has its answer (or failed), bounded by the ack timeout and a second. */
        private void awaitOutstanding() throws InterruptedException {
            if (!link.windowed()) {
                return;
            }
            long wait = options.answerTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
            if (window.tryAcquire(permits, wait, TimeUnit.NANOSECONDS)) {
                window.release(permits);
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }

    /** The command line: see {@link LoadGeneratorCommand#usage()}. */
    public static void main(String[] args) {
        LoadGeneratorCommand.main(args);
    }
}
