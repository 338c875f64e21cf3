package io.sngw.transport.serial;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One serial port as a link of the core: a {@link SerialLine} keeps the port open and reads it on its own thread,
 * the port's {@link Framing} turns the bytes into MQTT-SN packets for the core, and a writer thread of its own
 * serialises what the core sends, from a bounded queue (a 9600-baud line must not grow memory: past the bound new
 * messages are dropped and counted). Session loops only ever enqueue: serial I/O never blocks them.
 *
 * <p>Addresses: with raw framing the line itself ({@link SerialAddress.Line}); with XBee API each radio node by its
 * 64-bit address ({@link SerialAddress.Radio}), answered at the 16-bit network address it last came from. Sensors
 * behind a forwarder are the core's business (0xFE encapsulation) and work on either.
 */
public final class SerialLink implements Link, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SerialLink.class.getName());
    /** Radio nodes whose 16-bit address is remembered; more are answered with "unknown" and found by the module. */
    private static final int MAX_REMEMBERED_NODES = 65536;

    private record Outgoing(long destination64, byte[] message) {
    }

    private final SerialOptions options;
    private final LinkReceiver receiver;
    private final String device;
    private final String name;
    private final SerialLine line;
    private final SerialStats stats;
    private final BlockingQueue<Outgoing> queue;
    private final Map<Long, Integer> network16 = new ConcurrentHashMap<>();
    private final SerialAddress.Line lineAddress;
    private final Thread writer;
    private volatile boolean running;
    private volatile boolean tooLargeLogged;

    public SerialLink(SerialOptions options, LinkReceiver receiver) {
        this.options = Objects.requireNonNull(options, "options");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.device = options.port().device();
        this.name = "serial:" + device;
        this.lineAddress = new SerialAddress.Line(device);
        this.queue = new ArrayBlockingQueue<>(options.writeQueue());
        this.line = new SerialLine(options.port(), new Inbound(), "sngw-serial-read-" + device);
        this.stats = new SerialStats(line);
        this.writer = new Thread(this::writeLoop, "sngw-serial-write-" + device);
        writer.setDaemon(true);
    }

    /** Starts opening the port (a missing one is retried, not an error) and writing; returns at once. */
    public void start() {
        running = true;
        writer.start();
        line.start();
    }

    /** "serial:DEVICE", e.g. "serial:/dev/ttyUSB0": stored with each session, so keep device paths stable. */
    @Override
    public String name() {
        return name;
    }

    public SerialStats stats() {
        return stats;
    }

    public SerialOptions options() {
        return options;
    }

    /** Whether the port is open now. */
    public boolean isOpen() {
        return line.isOpen();
    }

    @Override
    public void send(LinkAddress to, byte[] message) {
        Objects.requireNonNull(message, "message");
        if (to instanceof SerialAddress.Radio r && r.device().equals(device) && isXBee()) {
            enqueue(r.address64(), message);
        } else if (to instanceof SerialAddress.Line l && l.device().equals(device) && !isXBee()) {
            enqueue(0L, message);
        } else {
            throw new IllegalArgumentException(name + " cannot send to " + to);
        }
    }

    /** Raw: the line (one peer, or a forwarder); XBee: the radio broadcast address. */
    @Override
    public void broadcast(byte[] message) {
        Objects.requireNonNull(message, "message");
        enqueue(XBeeApi.BROADCAST_64, message);
    }

    private void enqueue(long destination, byte[] message) {
        if (isXBee() && message.length > options.radioPayload()) {
            stats.tooLargeForRadio.increment();
            if (!tooLargeLogged) {
                tooLargeLogged = true; // once per port: a misconfigured max-payload would otherwise flood the log
                LOG.log(Level.WARNING, name + ": a " + message.length + "-byte message cannot go over the radio ("
                        + "radio-payload is " + options.radioPayload() + " bytes): not sent, counted in "
                        + "dropped.too-large-for-radio; lower limits.max-payload or raise radio-payload to the "
                        + "module's ATNP (logged once)");
            }
            return;
        }
        if (!line.isOpen()) {
            stats.droppedPortDown.increment();
        } else if (!queue.offer(new Outgoing(destination, message))) {
            stats.droppedQueueFull.increment();
        }
    }

    private boolean isXBee() {
        return options.framing() instanceof Framing.XBee;
    }

    private void writeLoop() {
        int frameId = 0;
        while (running) {
            Outgoing out;
            try {
                out = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (out == null) {
                continue;
            }
            byte[] bytes = out.message();
            if (options.framing() instanceof Framing.XBee xbee) {
                frameId = frameId == 0xFF ? 1 : frameId + 1; // never 0: 0 would ask for no Transmit Status
                boolean broadcast = out.destination64() == XBeeApi.BROADCAST_64;
                int to16 = broadcast ? XBeeApi.UNKNOWN_16
                        : network16.getOrDefault(out.destination64(), XBeeApi.UNKNOWN_16);
                bytes = xbee.frame(XBeeApi.transmitRequest(frameId, out.destination64(), to16, bytes));
            }
            if (line.write(bytes)) {
                stats.framesOut.increment();
                stats.bytesOut.add(bytes.length);
            } else if (!line.isOpen()) {
                stats.droppedPortDown.increment();
            } else {
                stats.writeFailed.increment();
            }
        }
    }

    /** The port's bytes to the core, on the line's reading thread. */
    private final class Inbound implements SerialLine.Listener, FrameSink {
        private FrameDecoder decoder = options.framing().decoder(options.maxFrame());

        @Override
        public void opened() {
            decoder = options.framing().decoder(options.maxFrame()); // a new byte stream: nothing carries over
        }

        @Override
        public void bytes(byte[] buffer, int length) {
            stats.bytesIn.add(length);
            decoder.feed(buffer, 0, length, this);
        }

        @Override
        public void silence() {
            decoder.silence(this);
        }

        @Override
        public void closed() {
            queue.clear(); // written to a port that is gone, they would only be counted as failures one by one
        }

        @Override
        public void error(FramingError reason) {
            stats.count(reason);
        }

        @Override
        public void frame(byte[] data) {
            if (!isXBee()) {
                deliver(lineAddress, data);
                return;
            }
            switch (XBeeApi.type(data)) {
                case XBeeApi.RECEIVE_PACKET -> {
                    if (data.length <= XBeeApi.RECEIVE_HEADER) {
                        stats.count(FramingError.UNHANDLED_FRAME_TYPE);
                        return;
                    }
                    long source = XBeeApi.address64(data, 1);
                    int source16 = XBeeApi.address16(data, 9);
                    if (network16.size() < MAX_REMEMBERED_NODES || network16.containsKey(source)) {
                        network16.put(source, source16);
                    }
                    deliver(new SerialAddress.Radio(device, source), XBeeApi.rfData(data, XBeeApi.RECEIVE_HEADER));
                }
                case XBeeApi.TRANSMIT_STATUS -> {
                    if (data.length < 6) {
                        stats.count(FramingError.UNHANDLED_FRAME_TYPE);
                    } else if (data[5] == 0) {
                        stats.transmitStatusOk.increment();
                    } else {
                        stats.transmitStatusFailed.increment();
                    }
                }
                case XBeeApi.MODEM_STATUS -> {
                    stats.modemStatus.increment();
                    LOG.log(Level.DEBUG, () -> name + ": XBee modem status 0x"
                            + (data.length > 1 ? Integer.toHexString(data[1] & 0xFF) : "?"));
                }
                default -> stats.count(FramingError.UNHANDLED_FRAME_TYPE);
            }
        }

        private void deliver(SerialAddress from, byte[] message) {
            stats.framesIn.increment();
            try {
                receiver.onReceive(SerialLink.this, from, message);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                stats.receiverErrors.increment();
                long count = stats.receiverErrors.sum();
                if (count == 1 || count % 1000 == 0) {
                    LOG.log(Level.WARNING, name + ": receiver failed on a message from " + from + " (" + count
                            + " failures so far)", e);
                }
            }
        }
    }

    @Override
    public byte[] persistentForm(LinkAddress address) {
        return address instanceof SerialAddress s && s.device().equals(device) ? s.toPersistentForm() : null;
    }

    /** Null for a form of the other kind: a port switched between raw and XBee does not restore old addresses. */
    @Override
    public LinkAddress fromPersistentForm(byte[] form) {
        SerialAddress address = SerialAddress.fromPersistentForm(device, form);
        return address instanceof SerialAddress.Radio == isXBee() ? address : null;
    }

    /** Stops writing and reading and closes the port. Idempotent. */
    @Override
    public void close() {
        running = false;
        writer.interrupt();
        line.close();
        LOG.log(Level.DEBUG, () -> name + " closed: " + stats);
    }

    @Override
    public String toString() {
        return name;
    }
}
