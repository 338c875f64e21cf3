package io.sngw.sim.client;

import io.sngw.core.codec.DecodeResult;
import io.sngw.core.codec.MqttSnCodec;
import io.sngw.core.codec.MqttSnMessage.Encapsulated;
import io.sngw.transport.serial.FrameDecoder;
import io.sngw.transport.serial.FrameSink;
import io.sngw.transport.serial.Framing;
import io.sngw.transport.serial.FramingError;
import io.sngw.transport.serial.SerialLine;
import io.sngw.transport.serial.SerialPortSettings;
import io.sngw.transport.serial.XBeeApi;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sensor side of one serial line, for clients ({@link MqttSnClient}) that reach the gateway over a serial port
 * instead of UDP. With raw framing the line is one sensor ({@link #line()}) or a forwarder with sensors behind it
 * ({@link #forwarded}); with XBee API framing it plays the gateway's radio module, with any number of radio nodes
 * behind it ({@link #radio}): it writes Receive Packets (0x90) from them and hands each Transmit Request (0x10) to
 * the node it is addressed to, every node for a broadcast, answering each with a Transmit Status (0x8B) as the module
 * would.
 *
 * <p>The port is kept open as the gateway keeps its own ({@link SerialLine}): when it vanishes and comes back the
 * clients carry on. While it is away what they send is lost, as on the air (counted in {@link #lost()}).
 */
public final class SerialClientLine implements AutoCloseable {
    private static final int MAX_FRAME = 0xFFFF;

    private final Framing framing;
    private final SerialLine port;
    private final Object writeLock = new Object();
    private final Map<String, SerialNodeTransport> forwardedNodes = new ConcurrentHashMap<>();
    private final Map<Long, SerialNodeTransport> radioNodes = new ConcurrentHashMap<>();
    private final LongAdder lost = new LongAdder();
    private volatile SerialNodeTransport lineNode;

    private SerialClientLine(SerialPortSettings settings, Framing framing) {
        this.framing = framing;
        this.port = new SerialLine(settings, new Reader(), "mqttsn-serial-" + settings.device());
    }

    /** Starts keeping {@code settings.device()} open (it need not be there yet); see {@link #awaitOpen}. */
    public static SerialClientLine open(SerialPortSettings settings, Framing framing) {
        SerialClientLine line = new SerialClientLine(settings, framing);
        line.port.start();
        return line;
    }

    /** Waits until the port is open; false when it is not within {@code timeout}. */
    public boolean awaitOpen(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!port.isOpen()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    public boolean isOpen() {
        return port.isOpen();
    }

    /** Messages sent while the port was away. */
    public long lost() {
        return lost.sum();
    }

    /** Raw framing: the sensor at this end of the line (the only one without a forwarder). */
    public synchronized ClientTransport line() {
        requireRaw();
        if (lineNode == null || lineNode.isClosed()) {
            lineNode = new SerialNodeTransport(this, framing.configName() + ":" + port.device(),
                    message -> write(message), () -> lineNode = null);
        }
        return lineNode;
    }

    /**
     * Raw framing: a sensor behind a forwarder at this end of the line, known to the gateway by its wireless node
     * id: its messages go out Encapsulated (0xFE, radius 1).
     */
    public ClientTransport forwarded(byte[] wirelessNodeId) {
        requireRaw();
        String key = HexFormat.of().formatHex(wirelessNodeId);
        byte[] node = wirelessNodeId.clone();
        return forwardedNodes.computeIfAbsent(key, k -> new SerialNodeTransport(this,
                "forwarder:" + port.device() + "/node:" + k,
                message -> write(MqttSnCodec.encode(new Encapsulated(1, node, message))),
                () -> forwardedNodes.remove(k)));
    }

    /** XBee framing: a radio node with this 64-bit address (and a 16-bit network address made from it). */
    public ClientTransport radio(long address64) {
        if (!(framing instanceof Framing.XBee xbee)) {
            throw new IllegalStateException("radio nodes need an XBee framing, not " + framing.configName());
        }
        int address16 = (int) (address64 ^ (address64 >>> 16)) & 0xFFFF;
        return radioNodes.computeIfAbsent(address64, a -> new SerialNodeTransport(this,
                framing.configName() + ":" + port.device() + "/xbee:" + HexFormat.of().toHexDigits(a),
                message -> write(xbee.frame(XBeeApi.receivePacket(a, address16 == 0xFFFE ? 1 : address16, 0x01,
                        message))),
                () -> radioNodes.remove(a)));
    }

    /** Writes bytes as they are (a test's noise, split frames, hand-made frames); false while the port is away. */
    public boolean writeRaw(byte[] bytes) {
        synchronized (writeLock) {
            return port.write(bytes);
        }
    }

    private void write(byte[] bytes) {
        if (!writeRaw(bytes)) {
            lost.increment();
        }
    }

    private void requireRaw() {
        if (!(framing instanceof Framing.Raw)) {
            throw new IllegalStateException("line and forwarded sensors need raw framing, not "
                    + framing.configName());
        }
    }

    private final class Reader implements SerialLine.Listener, FrameSink {
        private FrameDecoder decoder = framing.decoder(MAX_FRAME);

        @Override
        public void opened() {
            decoder = framing.decoder(MAX_FRAME);
        }

        @Override
        public void bytes(byte[] buffer, int length) {
            decoder.feed(buffer, 0, length, this);
        }

        @Override
        public void silence() {
            decoder.silence(this);
        }

        @Override
        public void error(FramingError reason) {
            // what the gateway wrote is the gateway's business to get right; its own tests check it
        }

        @Override
        public void frame(byte[] data) {
            if (framing instanceof Framing.XBee xbee) {
                fromModule(xbee, data);
                return;
            }
            if (MqttSnCodec.decode(data) instanceof DecodeResult.Decoded d && d.message() instanceof Encapsulated e) {
                SerialNodeTransport node = forwardedNodes.get(HexFormat.of().formatHex(e.wirelessNodeId()));
                if (node != null) {
                    node.deliver(e.inner());
                }
                return;
            }
            SerialNodeTransport node = lineNode;
            if (node != null) {
                node.deliver(data);
            }
        }

        private void fromModule(Framing.XBee xbee, byte[] data) {
            if (XBeeApi.type(data) != XBeeApi.TRANSMIT_REQUEST || data.length < XBeeApi.TRANSMIT_HEADER) {
                return;
            }
            int frameId = data[1] & 0xFF;
            long to = XBeeApi.address64(data, 2);
            byte[] message = XBeeApi.rfData(data, XBeeApi.TRANSMIT_HEADER);
            boolean delivered;
            if (to == XBeeApi.BROADCAST_64) {
                radioNodes.values().forEach(node -> node.deliver(message));
                delivered = true;
            } else {
                SerialNodeTransport node = radioNodes.get(to);
                delivered = node != null;
                if (node != null) {
                    node.deliver(message);
                }
            }
            if (frameId != 0) {
                // 0x00 delivered; 0x24 address not found, as the module answers for a node it cannot reach
                writeRaw(xbee.frame(XBeeApi.transmitStatus(frameId, XBeeApi.address16(data, 10), 0,
                        delivered ? 0 : 0x24)));
            }
        }
    }

    /** Closes every client transport on the line and the port. */
    @Override
    public void close() {
        SerialNodeTransport node = lineNode;
        if (node != null) {
            node.close();
        }
        forwardedNodes.values().forEach(SerialNodeTransport::close);
        radioNodes.values().forEach(SerialNodeTransport::close);
        port.close();
    }

    @Override
    public String toString() {
        return framing.configName() + " line " + port.device();
    }
}
