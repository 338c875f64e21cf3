package io.sngw.bench;

import io.sngw.core.topic.SubscriptionTree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Routing a message from the broker: which of N subscriptions match its topic. The filters look like a building of
 * sensors, {@code site/S/floor/F/dev/D/KIND}: 80 % exact names, the rest with {@code +} in one level or a trailing
 * {@code #}, so that a topic matches a handful of filters out of N, as in the field.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicMatchBenchmark {
    private static final int SITES = 10;
    private static final int FLOORS = 20;
    private static final String[] KINDS = {"temp", "humidity", "battery", "status"};

    @Param({"10000", "100000"})
    int filters;

    private SubscriptionTree<Integer> tree;
    private String[] topics;
    private int next;

    @Setup
    public void setUp() {
        tree = new SubscriptionTree<>();
        for (int i = 0; i < filters; i++) {
            tree.add(filter(i), i);
        }
        topics = new String[1024];
        for (int i = 0; i < topics.length; i++) {
            int device = (i * 7919) % filters;
            topics[i] = "site/" + device % SITES + "/floor/" + device % FLOORS + "/dev/" + device + "/"
                    + KINDS[i % KINDS.length];
        }
    }

    static String filter(int i) {
        String site = "site/" + i % SITES;
        String floor = "/floor/" + i % FLOORS;
        String dev = "/dev/" + i;
        return switch (i % 10) {
            case 7 -> site + floor + dev + "/+";          // every kind of one device
            case 8 -> site + "/floor/+" + dev + "/temp";  // a device wherever it is
            case 9 -> site + floor + "/dev/" + i + "/#";  // everything below a device
            default -> site + floor + dev + "/" + KINDS[i % KINDS.length];
        };
    }

    @Benchmark
    public void forEachMatch(Blackhole bh) {
        tree.forEachMatch(nextTopic(), bh::consume);
    }

    private String nextTopic() {
        String topic = topics[next];
        next = (next + 1) & (topics.length - 1);
        return topic;
    }
}
