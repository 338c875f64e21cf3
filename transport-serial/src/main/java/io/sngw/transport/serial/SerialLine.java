package io.sngw.transport.serial;

import com.fazecast.jSerialComm.SerialPort;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one serial port open and reads it on a thread of its own: opens it (looking for it every reopen-min while it
 * is missing, which is not an error at start, and backing off up to reopen-max while it is there but cannot be
 * opened), reads with the inter-byte timeout so that silence is seen, and when the
 * port vanishes (a read fails: a dongle pulled, a pseudo-terminal's other end gone) closes it at once, says so once,
 * and reopens it when it is back. jSerialComm's disconnect event is not used: it fires in a loop while the port
 * still claims to be open, whereas the failed read is seen exactly once.
 *
 * <p>Writes happen on the caller's thread and never wait for a closed port: they fail at once.
 */
public final class SerialLine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SerialLine.class.getName());
    private static final int READ_BUFFER = 4096;
    private static final int WRITE_TIMEOUT_MILLIS = 5000;

    /** What a line reports, on its reading thread. */
    public interface Listener {
        /** The port is open (again): a new byte stream begins. */
        default void opened() {
        }

        void bytes(byte[] buffer, int length);

        /** Nothing was read for the inter-byte timeout. */
        void silence();

        /** The port was closed because it vanished or the line is closing. */
        default void closed() {
        }
    }

    private final SerialPortSettings settings;
    private final Listener listener;
    private final Thread reader;
    private final Object sleeper = new Object();
    private final AtomicLong reopens = new AtomicLong();
    private volatile SerialPort port;
    private volatile boolean running;

    public SerialLine(SerialPortSettings settings, Listener listener, String threadName) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.reader = new Thread(this::run, threadName);
        reader.setDaemon(true);
    }

    /** Starts opening and reading; returns at once, whether the port is there or not. */
    public void start() {
        running = true;
        reader.start();
    }

    public boolean isOpen() {
        return port != null;
    }

    /** Times the port was opened again after it had been open and vanished. */
    public long reopens() {
        return reopens.get();
    }

    public String device() {
        return settings.device();
    }

    /**
     * Writes all of {@code bytes}, waiting while the line (or its flow control) takes them; false when the port is
     * not open or did not take them all.
     */
    public boolean write(byte[] bytes) {
        SerialPort p = port;
        return p != null && p.writeBytes(bytes, bytes.length) == bytes.length;
    }

    private void run() {
        Duration wait = settings.reopenMin();
        boolean wasOpen = false;
        boolean missingLogged = false;
        byte[] buffer = new byte[READ_BUFFER];
        while (running) {
            boolean present = Files.exists(Path.of(settings.device()));
            SerialPort p = present ? open() : null;
            if (p == null) {
                if (!missingLogged) {
                    missingLogged = true;
                    LOG.log(Level.WARNING, "serial port " + settings.device() + (present ? " cannot be opened"
                            : " is not there") + ": trying again until it can be opened");
                }
                // A missing device is looked for every reopen-min (a stat costs nothing), so that a replugged dongle
                // is back within that time however long it was away; failing opens of a present one back off.
                pause(present ? wait : settings.reopenMin());
                if (present) {
                    wait = wait.multipliedBy(2).compareTo(settings.reopenMax()) > 0 ? settings.reopenMax()
                            : wait.multipliedBy(2);
                }
                continue;
            }
            if (wasOpen) {
                reopens.incrementAndGet();
            }
            LOG.log(Level.INFO, "serial port " + settings.device() + (wasOpen ? " reopened" : " opened") + " at "
                    + settings.baud() + " baud");
            wasOpen = true;
            missingLogged = false;
            wait = settings.reopenMin();
            port = p;
            listener.opened();
            readUntilGone(p, buffer);
            port = null;
            p.closePort();
            listener.closed();
            if (running) {
                missingLogged = true;
                LOG.log(Level.WARNING, "serial port " + settings.device() + " disconnected: closed; reopening it "
                        + "when it is back");
            }
        }
    }

    private void readUntilGone(SerialPort p, byte[] buffer) {
        while (running) {
            int n;
            try {
                n = p.readBytes(buffer, buffer.length);
            } catch (RuntimeException e) {
                n = -1;
            }
            if (n < 0) {
                return;
            }
            if (n == 0) {
                listener.silence();
            } else {
                listener.bytes(buffer, n);
            }
        }
    }

    /** The port opened and configured, or null when it is not there (or cannot be opened). */
    private SerialPort open() {
        SerialPort p;
        try {
            p = SerialPort.getCommPort(settings.device());
        } catch (RuntimeException e) {
            return null; // jSerialComm refuses a path that does not exist
        }
        p.setComPortParameters(settings.baud(), settings.dataBits(),
                settings.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT,
                switch (settings.parity()) {
                    case NONE -> SerialPort.NO_PARITY;
                    case ODD -> SerialPort.ODD_PARITY;
                    case EVEN -> SerialPort.EVEN_PARITY;
                });
        p.setFlowControl(settings.flowControl() == SerialPortSettings.FlowControl.RTS_CTS
                ? SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED
                : SerialPort.FLOW_CONTROL_DISABLED);
        // Semi-blocking: a read returns what has arrived, or 0 once the line was silent for the timeout.
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                (int) Math.max(1, settings.interByteTimeout().toMillis()), WRITE_TIMEOUT_MILLIS);
        try {
            return p.openPort() ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void pause(Duration wait) {
        synchronized (sleeper) {
            if (!running) {
                return;
            }
            try {
                sleeper.wait(Math.max(1, wait.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /** Stops reading and closes the port; waits a bounded time for the reading thread. Idempotent. */
    @Override
    public void close() {
        synchronized (sleeper) {
            running = false;
            sleeper.notifyAll();
        }
        SerialPort p = port;
        if (p != null) {
            p.closePort(); // ends a read in progress
        }
        if (reader.isAlive() && Thread.currentThread() != reader) {
            try {
                reader.join(WRITE_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "serial line " + settings.device();
    }
}
