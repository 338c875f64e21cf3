package io.sngw.deploy;

import io.sngw.sim.load.LoadGenerator;
import io.sngw.sim.load.LoadOptions;
import io.sngw.sim.load.LoadResult;
import io.sngw.sim.load.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code sngw simulate}: the built-in sensor simulator (sensor-sim's load generator) against a running gateway on this
 * machine, for demos and smoke tests: N sensors publish at a rate, a subscriber at the broker counts what arrives, a
 * progress line shows how it goes and a summary ends it.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulates sensors publishing through a running gateway on this machine, and counts what reaches"
                + " the broker: a live progress line, then a summary (sent, acked, lost, ack latency, duration).",
                "Sensor i publishes to sngw-load/<run>/i. Exit code 0 when nothing was lost, 1 otherwise, 2 for bad"
                        + " options."})
final class SimulateCommand implements Callable<Integer> {
    static final int MAX_SENSORS = LoadOptions.MAX_SENSORS;
    /** A progress line per second on a terminal (rewritten in place), every few seconds into a file or a pipe. */
    static final Duration TERMINAL_EVERY = Duration.ofSeconds(1);
    static final Duration LOG_EVERY = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Option(names = "--sensors", paramLabel = "N", required = true,
            description = "simulated sensors, each on its own UDP socket, 1 to " + MAX_SENSORS)
    int sensors;

    @Option(names = "--rate", paramLabel = "R", required = true,
            description = "messages a second, all sensors together (> 0)")
    double rate;

    @Option(names = "--qos", paramLabel = "Q", defaultValue = "1", description = "0, 1 or 2 (default ${DEFAULT-VALUE})")
    int qos;

    @Option(names = "--sleep", paramLabel = "S",
            description = "battery sensors: between messages each sleeps, announcing S (e.g. 30s), and wakes with a"
                    + " CONNECT to publish; at least each sensor's interval, N/R seconds (default: always awake)")
    String sleep;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s",
            description = "how long the sensors publish, e.g. 30s or 5m, at most 30m (default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--gateway", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:1884",
            description = "the gateway's plain UDP listener, on this machine (default ${DEFAULT-VALUE})")
    String gateway;

    @Option(names = "--broker", paramLabel = "URL", defaultValue = "tcp://127.0.0.1:1883",
            description = "the broker the gateway forwards to, where arrivals are counted (default ${DEFAULT-VALUE},"
                    + " the embedded broker)")
    String broker;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadOptions options;
        Duration sleepBetween;
        try {
            sleepBetween = sleepBetween();
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("sngw simulate: " + e.getMessage());
            return Main.EXIT_BAD_CONFIG;
        }
        out.println("simulating " + sensors + " sensor" + (sensors == 1 ? "" : "s") + ", QoS " + qos + ", "
                + fmt(rate) + " msg/s" + (sleepBetween.isZero() ? "" : ", sleeping " + Durations.format(sleepBetween)
                + " between messages") + ", for " + Durations.format(options.duration()) + " against "
                + gateway + "; counting at " + broker + " on " + options.topicPrefix() + "/#");
        out.flush();
        LoadGenerator generator = new LoadGenerator(options).offering(rate).sleeping(sleepBetween);
        boolean terminal = System.console() != null;
        ProgressLine progress = new ProgressLine(generator, out, terminal);
        Thread printer = new Thread(progress, "sngw-simulate-progress");
        printer.setDaemon(true);
        long start = System.nanoTime();
        printer.start();
        LoadResult result;
        try {
            result = generator.run();
        } catch (IllegalStateException e) {
            err.println("sngw simulate: " + e.getMessage());
            return 1;
        } finally {
            printer.interrupt();
            printer.join(TimeUnit.SECONDS.toMillis(2));
            if (terminal) {
                out.println();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println(summary(result, seconds));
        result.errors().forEach(e -> err.println("sngw simulate: " + e));
        out.flush();
        return lost(result) == 0 ? 0 : 1;
    }

    private Duration sleepBetween() {
        if (sleep == null) {
            return Duration.ZERO;
        }
        Duration d = parse("--sleep", sleep);
        double interval = sensors / rate;
        if (d.isZero() || d.toSeconds() > 0xFFFF || d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("--sleep: " + sleep + " is not valid: expected whole seconds, 1s to"
                    + " 65535s (MQTT-SN announces a sleep in seconds)");
        }
        if (sensors > 0 && rate > 0 && d.toSeconds() < interval) {
            throw new IllegalArgumentException("--sleep: " + sleep + " is shorter than each sensor's interval between"
                    + " messages (" + sensors + " sensors at " + fmt(rate) + " msg/s: " + fmt(interval) + " s): a"
                    + " sensor would oversleep the duration it announced");
        }
        return d;
    }

    private LoadOptions options() {
        if (sensors < 1 || sensors > MAX_SENSORS) {
            throw new IllegalArgumentException("--sensors: " + sensors + " is not valid: expected 1 to " + MAX_SENSORS);
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate: " + fmt(rate) + " is not valid: expected messages a second,"
                    + " more than 0");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("--qos: " + qos + " is not valid: expected 0, 1 or 2");
        }
        Duration d = parse("--duration", duration);
        if (d.isZero() || d.compareTo(LoadOptions.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("--duration: " + duration + " is not valid: expected more than 0s and"
                    + " at most " + Durations.format(LoadOptions.MAX_DURATION));
        }
        InetSocketAddress target = hostPort(gateway);
        if (!target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("--gateway: " + gateway + " is not on this machine: the simulator"
                    + " sends only to a loopback address (127.0.0.1, ::1)");
        }
        try {
            // A window of 1: each sensor waits for its answer before the next message, as a real sensor does.
            return LoadOptions.defaults().withGateway(target).withBrokerUrl(broker).withSensors(sensors).withQos(qos)
                    .withWindow(1).withMessagesPerSensor(0).withDuration(d).withWarmup(Duration.ZERO)
                    .withTopicPrefix(LoadOptions.randomPrefix());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--broker: " + e.getMessage());
        }
    }

    private static Duration parse(String option, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + value + " is not valid: expected " + Durations.FORMAT);
        }
    }

    /** {@code host:port} or {@code [v6]:port}, with an IP literal or localhost: no name resolution picks the target. */
    static InetSocketAddress hostPort(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon > 0 ? value.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535
                || !(host.equals("localhost") || host.matches("[0-9.]+") || host.indexOf(':') >= 0)) {
            throw new IllegalArgumentException("--gateway: " + value + " is not valid: expected HOST:PORT with an IP"
                    + " address, e.g. 127.0.0.1:1884");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--gateway: " + value + " is not valid: " + e.getMessage());
        }
    }

    /** QoS 1/2: refused or unanswered, or acknowledged and never at the broker; QoS 0: sent and never at the broker. */
    static long lost(LoadResult r) {
        return r.options().qos() >= 1 ? r.lost() + r.rejected() + r.failed() + r.stillOpen() : r.lost();
    }

    static String summary(LoadResult r, double seconds) {
        boolean acked = r.options().qos() >= 1;
        return "summary: sent " + r.sent() + ", acked " + (acked ? Long.toString(r.acknowledged()) : "- (QoS 0)")
                + ", lost " + lost(r) + ", delivered at the broker " + r.delivered() + "; ack latency "
                + (acked && r.ackP50Micros() >= 0 ? "p50 " + ms(r.ackP50Micros()) + " ms, p99 " + ms(r.ackP99Micros())
                + " ms" : "-") + "; duration " + String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Prints the run's progress until interrupted: rewritten in place on a terminal, a line at a time otherwise. */
    static final class ProgressLine implements Runnable {
        private final LoadGenerator generator;
        private final PrintWriter out;
        private final boolean terminal;

        ProgressLine(LoadGenerator generator, PrintWriter out, boolean terminal) {
            this.generator = generator;
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public void run() {
            long every = (terminal ? TERMINAL_EVERY : LOG_EVERY).toNanos();
            long lastSent = 0;
            long last = System.nanoTime();
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    TimeUnit.NANOSECONDS.sleep(every);
                    Progress p = generator.progress();
                    long now = System.nanoTime();
                    double perSecond = (p.sent() - lastSent) * 1e9 / Math.max(1, now - last);
                    lastSent = p.sent();
                    last = now;
                    String line = "sent " + p.sent() + "  acked " + p.acknowledged() + "  lost " + p.lost()
                            + "  at the broker " + p.delivered() + "  " + String.format(Locale.ROOT, "%.1f", perSecond)
                            + " msg/s";
                    if (terminal) {
                        out.print("\r" + line + "   ");
                    } else {
                        out.println(line);
                    }
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the run is over
            }
        }
    }
}
