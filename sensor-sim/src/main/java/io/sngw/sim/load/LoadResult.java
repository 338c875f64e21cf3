package io.sngw.sim.load;

import java.util.List;
import java.util.Locale;

/**
 * The figures of one run, measured phase only (the warm-up's counts are kept apart, for the record).
 *
 * @param options             the scenario
 * @param sent                PUBLISHes sent in the measured phase
 * @param acknowledged        QoS 1/2: publishes accepted by the gateway (PUBACK accepted / PUBCOMP)
 * @param rejected            QoS 1/2: publishes refused with a return code (e.g. congestion)
 * @param failed              QoS 1/2: publishes that timed out or failed without an answer
 * @param stillOpen           QoS 1/2: publishes still unanswered when the run gave up waiting
 * @param delivered           distinct measured messages that arrived at the broker-side subscriber
 * @param lost                QoS 1/2: acknowledged but never delivered; QoS 0/-1: sent but never delivered
 * @param duplicates          measured messages that arrived more than once (same sensor and sequence number)
 * @param deliveredUnacked    QoS 1/2: delivered although the sender saw no accepted ack (timeouts, refusals)
 * @param foreign             messages on the prefix that were not the generator's
 * @param sendSeconds         from the start of the measured phase to the last send
 * @param deliverySeconds     from the start of the measured phase to the last measured delivery at the broker
 * @param ackP50Micros        QoS 1/2: acknowledgement latency (PUBLISH sent to PUBACK/PUBCOMP received), µs; -1 if none
 * @param ackP99Micros        same, 99th percentile
 * @param ackMaxMicros        same, maximum
 * @param e2eP50Micros        send to arrival at the broker-side subscriber, µs; -1 if nothing arrived
 * @param e2eP99Micros        same, 99th percentile
 * @param warmupSent          PUBLISHes sent during the warm-up
 * @param warmupDelivered     warm-up messages delivered at the broker
 * @param errors              the first few errors seen (setup, send, timeouts), for the report
 */
public record LoadResult(LoadOptions options, long sent, long acknowledged, long rejected, long failed, long stillOpen,
                         long delivered, long lost, long duplicates, long deliveredUnacked, long foreign,
                         double sendSeconds, double deliverySeconds, long ackP50Micros, long ackP99Micros,
                         long ackMaxMicros, long e2eP50Micros, long e2eP99Micros, long warmupSent,
                         long warmupDelivered, List<String> errors) {

    public LoadResult {
        errors = List.copyOf(errors);
    }

    /** Distinct measured messages delivered at the broker per second of the measured phase. */
    public double deliveredPerSecond() {
        return deliverySeconds > 0 ? delivered / deliverySeconds : 0;
    }

    /** PUBLISHes sent per second of the measured phase. */
    public double sentPerSecond() {
        return sendSeconds > 0 ? sent / sendSeconds : 0;
    }

    /** Whether the QoS 1/2 accounting closes: every sent publish is acknowledged, refused, failed or still open. */
    public boolean acknowledgementsAddUp() {
        return options.qos() < 1 || sent == acknowledged + rejected + failed + stillOpen;
    }

    /** Whether the delivery accounting closes: delivered = (acked or sent) - lost + delivered-unacked. */
    public boolean deliveriesAddUp() {
        long basis = options.qos() >= 1 ? acknowledged : sent;
        return delivered == basis - lost + deliveredUnacked;
    }

    public static String header() {
        return String.join("\t", "scenario", "sensors", "qos", "window", "sent", "acked", "rejected", "failed",
                "delivered", "lost", "dups", "sent/s", "delivered/s", "ack_p50_ms", "ack_p99_ms", "ack_max_ms",
                "e2e_p50_ms", "e2e_p99_ms");
    }

    /** One tab-separated line under {@link #header()}. */
    public String row(String label) {
        boolean acked = options.qos() >= 1;
        return String.join("\t", label, Integer.toString(options.sensors()), Integer.toString(options.qos()),
                options.qos() >= 1 ? Integer.toString(options.window()) : "-",
                Long.toString(sent), acked ? Long.toString(acknowledged) : "-",
                acked ? Long.toString(rejected) : "-", acked ? Long.toString(failed + stillOpen) : "-",
                Long.toString(delivered), Long.toString(lost), Long.toString(duplicates),
                fmt0(sentPerSecond()), fmt0(deliveredPerSecond()),
                ms(ackP50Micros), ms(ackP99Micros), ms(ackMaxMicros), ms(e2eP50Micros), ms(e2eP99Micros));
    }

    /** A multi-line human report. */
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append("scenario:   ").append(options.describe()).append('\n');
        b.append("measured:   sent ").append(sent);
        if (options.qos() >= 1) {
            b.append(", acknowledged ").append(acknowledged).append(", refused ").append(rejected)
                    .append(", timed out/failed ").append(failed).append(", still open ").append(stillOpen);
        }
        b.append('\n');
        b.append("broker:     delivered ").append(delivered).append(", lost ").append(lost)
                .append(options.qos() >= 1 ? " (acknowledged, never delivered)" : " (sent, never delivered)")
                .append(", duplicates ").append(duplicates);
        if (options.qos() >= 1) {
            b.append(", delivered without an accepted ack ").append(deliveredUnacked);
        }
        if (foreign > 0) {
            b.append(", foreign ").append(foreign);
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "rates:      sent %.0f msg/s over %.2f s, delivered at the broker %.0f msg/s"
                + " over %.2f s%n", sentPerSecond(), sendSeconds, deliveredPerSecond(), deliverySeconds));
        if (options.qos() >= 1) {
            b.append("ack:        p50 ").append(ms(ackP50Micros)).append(" ms, p99 ").append(ms(ackP99Micros))
                    .append(" ms, max ").append(ms(ackMaxMicros)).append(" ms\n");
        }
        b.append("end-to-end: p50 ").append(ms(e2eP50Micros)).append(" ms, p99 ").append(ms(e2eP99Micros))
                .append(" ms (send to arrival at the broker-side subscriber)\n");
        b.append("warm-up:    sent ").append(warmupSent).append(", delivered ").append(warmupDelivered)
                .append(" (not in the figures)\n");
        for (String error : errors) {
            b.append("error:      ").append(error).append('\n');
        }
        return b.toString();
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String ms(long micros) {
        return micros < 0 ? "-" : String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }
}
