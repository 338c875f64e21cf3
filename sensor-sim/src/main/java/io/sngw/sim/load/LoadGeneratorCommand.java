package io.sngw.sim.load;

import io.sngw.sim.client.RetryPolicy;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** The load generator's command line ({@code java -jar sngw-sim.jar}): options in, one run, its report out. */
final class LoadGeneratorCommand {
    /** {@code --retries} when only {@code --retry} is given: the spec's N_retry is 3 to 5. */
    static final int DEFAULT_RETRIES = 5;

    private LoadGeneratorCommand() {
    }

    static String usage() {
        return """
                usage: LoadGenerator [options]
                  --gateway HOST:PORT     the gateway's UDP address, loopback only (127.0.0.1:1884)
                  --broker URL            the broker the gateway bridges to, counted there (tcp://127.0.0.1:1883)
                  --sensors N             simulated sensors, one UDP socket each (1)
                  --qos Q                 -1, 0, 1 or 2 (1)
                  --window W              QoS 1/2 publishes outstanding per sensor (1)
                  --messages M            measured messages per sensor; 0 = until --duration (1000)
                  --duration D            measured phase length, or its cap with --messages (10s)
                  --warmup D              warm-up before it, not in the figures; 0 = none (2s)
                  --payload B             payload bytes, at least %d (32)
                  --prefix P              topic prefix: sensor i publishes to P/i (sngw-load/<random>)
                  --ack-timeout D         QoS 1/2: wait for an ack, no resends (5s)
                  --retry D               resend CONNECT, REGISTER and QoS 1/2 PUBLISHes unanswered after D, as a
                                          real sensor does (T_retry); off by default
                  --retries N             with --retry: resends at most (N_retry, 5)
                  --drain-timeout D       wait for the broker to receive the rest after sending ends (10s)
                  --predefined-base ID    QoS -1: sensor i uses predefined topic id ID+i (mapped to P/i at the gateway)
                  --rate N                QoS 0/-1: offer N messages a second, all sensors together (0 = unpaced)
                  --reference             Paho clients publish straight to the broker (no gateway): the reference
                  --label L               scenario name in the --row output
                  --row                   print one tab-separated row on stdout (the report goes to stderr)
                  --header                print the header of --row and exit
                durations: 500ms, 10s, 2m; a bare number is seconds
                """.formatted(Payload.HEADER_BYTES);
    }

    public static void main(String[] args) {
        LoadOptions d = LoadOptions.defaults();
        var gateway = d.gateway();
        String broker = d.brokerUrl();
        int sensors = d.sensors(), qos = d.qos(), window = d.window(), payload = d.payloadSize();
        int predefinedBase = d.predefinedBase();
        long messages = d.messagesPerSensor();
        Duration duration = d.duration(), warmup = d.warmup(), ackTimeout = d.ackTimeout();
        Duration drainTimeout = d.drainTimeout();
        String prefix = d.topicPrefix();
        boolean reference = false;
        Duration retryInterval = null;
        int retries = DEFAULT_RETRIES;
        String label = null;
        double rate = 0;
        boolean row = false;
        LoadOptions options;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> {
                        System.out.print(usage());
                        return;
                    }
                    case "--header" -> {
                        System.out.println(LoadResult.header());
                        return;
                    }
                    case "--row" -> row = true;
                    case "--reference" -> reference = true;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a + " needs a value (or is unknown); see --help");
                        }
                        String v = args[++i];
                        switch (a) {
                            case "--gateway" -> gateway = LoadOptions.parseHostPort(v);
                            case "--broker" -> broker = v;
                            case "--sensors" -> sensors = Integer.parseInt(v);
                            case "--qos" -> qos = Integer.parseInt(v);
                            case "--window" -> window = Integer.parseInt(v);
                            case "--messages" -> messages = Long.parseLong(v);
                            case "--duration" -> duration = parseDuration(v);
                            case "--warmup" -> warmup = parseDuration(v);
                            case "--payload" -> payload = Integer.parseInt(v);
                            case "--prefix" -> prefix = v;
                            case "--ack-timeout" -> ackTimeout = parseDuration(v);
                            case "--drain-timeout" -> drainTimeout = parseDuration(v);
                            case "--predefined-base" -> predefinedBase = Integer.parseInt(v);
                            case "--label" -> label = v;
                            case "--retry" -> retryInterval = parseDuration(v);
                            case "--retries" -> retries = Integer.parseInt(v);
                            case "--rate" -> rate = Double.parseDouble(v);
                            default -> throw new IllegalArgumentException("unknown option " + a + "; see --help");
                        }
                    }
                }
            }
            options = new LoadOptions(gateway, broker, sensors, qos, window, messages, duration, warmup, payload,
                    prefix, ackTimeout, drainTimeout, predefinedBase, reference,
                    retryInterval == null ? RetryPolicy.none() : new RetryPolicy(retryInterval, retries));
        } catch (IllegalArgumentException e) {
            System.err.println("load generator: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream report = row ? System.err : System.out;
        report.println("load generator: " + options.describe() + ", gateway " + options.gateway() + ", broker "
                + options.brokerUrl() + ", topics " + options.topicPrefix() + "/#");
        LoadResult result;
        try {
            result = new LoadGenerator(options).offering(rate).run();
        } catch (IllegalStateException e) {
            System.err.println("load generator: " + e.getMessage());
            System.exit(1);
            return;
        } catch (InterruptedException e) {
            System.exit(130);
            return;
        }
        report.print(result.report());
        if (row) {
            System.out.println(result.row(label != null ? label : options.describe()));
        }
        System.exit(0); // Paho and client threads are daemons or closed; exit regardless of stragglers
    }

    static Duration parseDuration(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (500ms, 10s, 2m): " + v);
        }
    }
}
