package io.sngw.sim.load;

/**
 * What a {@link LoadGenerator} run has done so far, warm-up and measured phase together: for a live progress line.
 *
 * @param sent         PUBLISHes sent
 * @param acknowledged QoS 1/2: accepted by the gateway (PUBACK, PUBCOMP)
 * @param lost         QoS 1/2: refused, or without an answer after the ack timeout (or the retries)
 * @param delivered    arrived at the broker
 */
public record Progress(long sent, long acknowledged, long lost, long delivered) {
    public static final Progress NONE = new Progress(0, 0, 0, 0);
}
