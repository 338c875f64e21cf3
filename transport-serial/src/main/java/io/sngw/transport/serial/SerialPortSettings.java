package io.sngw.transport.serial;

import java.time.Duration;
import java.util.Objects;

/**
 * How to open one serial port and keep it open.
 *
 * @param device           the device path (a symlink such as /dev/serial/by-id/... is fine)
 * @param baud             bits per second; a pseudo-terminal ignores it
 * @param dataBits         5..8
 * @param parity           none, odd or even
 * @param stopBits         1 or 2
 * @param flowControl      none or RTS/CTS hardware flow control
 * @param interByteTimeout silence that ends an incomplete frame; the kernel counts it in tenths of a second
 * @param reopenMin        first wait before reopening a port that is missing or vanished; doubles per failure
 * @param reopenMax        longest wait between attempts
 */
public record SerialPortSettings(String device, int baud, int dataBits, Parity parity, int stopBits,
                                 FlowControl flowControl, Duration interByteTimeout, Duration reopenMin,
                                 Duration reopenMax) {

    public enum Parity { NONE, ODD, EVEN }

    public enum FlowControl { NONE, RTS_CTS }

    public static final Duration DEFAULT_INTER_BYTE_TIMEOUT = Duration.ofMillis(100);
    public static final Duration DEFAULT_REOPEN_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_REOPEN_MAX = Duration.ofSeconds(30);

    public SerialPortSettings {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(parity, "parity");
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(interByteTimeout, "interByteTimeout");
        Objects.requireNonNull(reopenMin, "reopenMin");
        Objects.requireNonNull(reopenMax, "reopenMax");
        if (baud <= 0 || dataBits < 5 || dataBits > 8 || (stopBits != 1 && stopBits != 2)) {
            throw new IllegalArgumentException("bad line settings: " + baud + " baud, " + dataBits + " data bits, "
                    + stopBits + " stop bits");
        }
    }

    /** 8N1, no flow control, the default timeouts. */
    public static SerialPortSettings of(String device, int baud) {
        return new SerialPortSettings(device, baud, 8, Parity.NONE, 1, FlowControl.NONE, DEFAULT_INTER_BYTE_TIMEOUT,
                DEFAULT_REOPEN_MIN, DEFAULT_REOPEN_MAX);
    }

    public SerialPortSettings withReopen(Duration min, Duration max) {
        return new SerialPortSettings(device, baud, dataBits, parity, stopBits, flowControl, interByteTimeout, min,
                max);
    }
}
