package io.sngw.transport.serial;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one serial port. The reading thread, the writing thread and the session loops (which enqueue) bump
 * them at once, hence LongAdders; a read is a snapshot good enough for metrics.
 */
public final class SerialStats {
    final LongAdder framesIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder droppedQueueFull = new LongAdder();
    final LongAdder droppedPortDown = new LongAdder();
    final LongAdder writeFailed = new LongAdder();
    final LongAdder tooLargeForRadio = new LongAdder();
    final LongAdder transmitStatusOk = new LongAdder();
    final LongAdder transmitStatusFailed = new LongAdder();
    final LongAdder modemStatus = new LongAdder();
    final LongAdder receiverErrors = new LongAdder();
    private final Map<FramingError, LongAdder> framingErrors = new EnumMap<>(FramingError.class);
    private final SerialLine line;

    SerialStats(SerialLine line) {
        this.line = line;
        for (FramingError reason : FramingError.values()) {
            framingErrors.put(reason, new LongAdder());
        }
    }

    void count(FramingError reason) {
        framingErrors.get(reason).increment();
    }

    /** Frames read and handed on: MQTT-SN packets (raw) or XBee Receive Packets. */
    public long framesIn() {
        return framesIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Frames written to the port. */
    public long framesOut() {
        return framesOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long framingErrors(FramingError reason) {
        return framingErrors.get(reason).sum();
    }

    /** Messages dropped because the port's outgoing queue was full (a slow line). */
    public long droppedQueueFull() {
        return droppedQueueFull.sum();
    }

    /** Messages dropped because the port was not open. */
    public long droppedPortDown() {
        return droppedPortDown.sum();
    }

    /** Frames the port did not take in full (write timeout, the port vanishing mid-write). */
    public long writeFailed() {
        return writeFailed.sum();
    }

    /** Messages for a radio node longer than the module can carry ({@code radio-payload}); not sent. */
    public long tooLargeForRadio() {
        return tooLargeForRadio.sum();
    }

    /** XBee Transmit Status frames saying delivered, and saying not. */
    public long transmitStatusOk() {
        return transmitStatusOk.sum();
    }

    public long transmitStatusFailed() {
        return transmitStatusFailed.sum();
    }

    /** XBee Modem Status frames (reset, joined, coordinator started, ...). */
    public long modemStatus() {
        return modemStatus.sum();
    }

    /** Times the port was reopened after it vanished. */
    public long reopens() {
        return line.reopens();
    }

    public boolean open() {
        return line.isOpen();
    }

    /** Every counter, keys under {@code prefix} (e.g. "serial./dev/ttyUSB0."): frames.in, errors.bad-checksum, ... */
    public Map<String, Long> snapshot(String prefix) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put(prefix + "open", open() ? 1L : 0L);
        out.put(prefix + "frames.in", framesIn());
        out.put(prefix + "bytes.in", bytesIn());
        out.put(prefix + "frames.out", framesOut());
        out.put(prefix + "bytes.out", bytesOut());
        framingErrors.forEach((reason, n) -> out.put(prefix + "errors." + reason.key(), n.sum()));
        out.put(prefix + "dropped.queue-full", droppedQueueFull());
        out.put(prefix + "dropped.port-down", droppedPortDown());
        out.put(prefix + "dropped.too-large-for-radio", tooLargeForRadio());
        out.put(prefix + "write-failed", writeFailed());
        out.put(prefix + "xbee.transmit-status.ok", transmitStatusOk());
        out.put(prefix + "xbee.transmit-status.failed", transmitStatusFailed());
        out.put(prefix + "xbee.modem-status", modemStatus());
        out.put(prefix + "receiver-errors", receiverErrors.sum());
        out.put(prefix + "reopens", reopens());
        return out;
    }

    @Override
    public String toString() {
        return "SerialStats" + snapshot("");
    }
}
