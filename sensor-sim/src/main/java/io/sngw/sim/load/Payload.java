package io.sngw.sim.load;

import java.nio.ByteBuffer;

/**
 * The load generator's payload: a fixed header the broker-side counter reads back, padded with zeros to the
 * configured size.
 *
 * <pre>
 * 0  magic 'L'
 * 1  phase: 0 warm-up, 1 measured
 * 2  sensor index (int, big-endian)
 * 6  per-sensor sequence number (int), 0, 1, 2 ... over both phases
 * 10 System.nanoTime() at send (long): the sender and the counter share one JVM
 * </pre>
 */
final class Payload {
    static final int HEADER_BYTES = 18;
    static final byte MAGIC = 'L';
    static final byte WARMUP = 0;
    static final byte MEASURED = 1;

    private Payload() {
    }

    static byte[] encode(int size, byte phase, int sensor, int seq, long sentNanos) {
        byte[] bytes = new byte[size];
        ByteBuffer.wrap(bytes).put(MAGIC).put(phase).putInt(sensor).putInt(seq).putLong(sentNanos);
        return bytes;
    }

    /** The header of a received payload, or null when it is not one of ours. */
    static Header decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES || bytes[0] != MAGIC || (bytes[1] != WARMUP && bytes[1] != MEASURED)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, HEADER_BYTES - 1);
        byte phase = b.get();
        int sensor = b.getInt();
        int seq = b.getInt();
        long sent = b.getLong();
        return sensor < 0 || seq < 0 ? null : new Header(phase, sensor, seq, sent);
    }

    record Header(byte phase, int sensor, int seq, long sentNanos) {
        boolean measured() {
            return phase == MEASURED;
        }
    }
}
