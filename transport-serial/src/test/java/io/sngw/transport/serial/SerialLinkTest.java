package io.sngw.transport.serial;

import io.sngw.core.link.Link;
import io.sngw.core.link.LinkAddress;
import io.sngw.core.link.LinkReceiver;
import io.sngw.testing.VirtualSerialPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static io.sngw.transport.serial.CollectingSink.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A serial link on a real pseudo-terminal pair made by socat; the test writes and reads the other end. */
class SerialLinkTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long NODE = 0x0013A20040A1B2C3L;

    @TempDir
    Path dir;

    private VirtualSerialPair pair;
    private SerialLink link;
    private SerialLine sensorEnd;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    private record Received(LinkAddress from, String hex) {
    }

    @BeforeEach
    void pair() {
        assumeTrue(VirtualSerialPair.available(), "socat is not installed (apt-get install socat): skipped");
        pair = VirtualSerialPair.create(dir, "tty");
    }

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (sensorEnd != null) {
            sensorEnd.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    private SerialLink start(SerialOptions options) {
        LinkReceiver receiver = (Link l, LinkAddress from, byte[] datagram) ->
                received.add(new Received(from, HEX.formatHex(datagram)));
        link = new SerialLink(options, receiver);
        link.start();
        await("the link to open its port", link::isOpen);
        sensorEnd = new SerialLine(fast(pair.sensorEnd().toString()), new SerialLine.Listener() {
            @Override
            public void bytes(byte[] buffer, int length) {
                synchronized (written) {
                    written.write(buffer, 0, length);
                }
            }

            @Override
            public void silence() {
            }
        }, "test-sensor-end");
        sensorEnd.start();
        await("the sensor end to open", sensorEnd::isOpen);
        return link;
    }

    private static SerialPortSettings fast(String device) {
        return SerialPortSettings.of(device, 115200).withReopen(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private SerialOptions options(String framing) {
        return SerialOptions.of(pair.gatewayEnd().toString(), 115200, Framing.of(framing))
                .withPort(fast(pair.gatewayEnd().toString()));
    }

    private String writtenHex() {
        synchronized (written) {
            return HEX.formatHex(written.toByteArray());
        }
    }

    @Test
    void rawPacketsFromTheLineReachTheReceiverFromTheLinesAddress() {
        start(options("raw"));
        sensorEnd.write(hex("0216 090c6261620000 6869"));
        await("two packets", () -> received.size() == 2);
        SerialAddress.Line line = new SerialAddress.Line(pair.gatewayEnd().toString());
        assertEquals(List.of(new Received(line, "0216"), new Received(line, "090c62616200006869")), received);
        assertEquals(2, link.stats().framesIn());
    }

    @Test
    void rawSendWritesThePacketAsItIs() {
        start(options("raw"));
        link.send(new SerialAddress.Line(pair.gatewayEnd().toString()), hex("0217"));
        link.broadcast(hex("0501 0102 03".replace(" ", "")));
        await("both packets on the line", () -> writtenHex().equals("02170501010203"));
        await("both counted", () -> link.stats().framesOut() == 2);
    }

    @Test
    void rawLineResynchronisesAfterNoiseOnceTheLineFallsSilent() {
        start(options("raw"));
        sensorEnd.write(hex("00 ff ff 02"));
        await("the noise to be counted", () -> link.stats().framingErrors(FramingError.IMPOSSIBLE_LENGTH) == 1);
        // The silence that follows (the inter-byte timeout) ends the hunt: a packet sent after it is read. A packet
        // sent before the reader saw that silence is discarded as noise, so the sensor repeats it, as one would.
        for (int attempt = 0; attempt < 20 && received.isEmpty(); attempt++) {
            sensorEnd.write(hex("0216"));
            long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
        }
        assertEquals("0216", received.get(0).hex());
    }

    @Test
    void xbeeReceivePacketIsAMessageFromTheNodesSixtyFourBitAddressAndTheReplyGoesBackToIt() {
        start(options("xbee-api2"));
        sensorEnd.write(XBeeApi.frame(XBeeApi.receivePacket(NODE, 0x7D11, 0x01, hex("0216")), true));
        await("the packet", () -> received.size() == 1);
        SerialAddress.Radio from = new SerialAddress.Radio(pair.gatewayEnd().toString(), NODE);
        assertEquals(new Received(from, "0216"), received.get(0));

        link.send(from, hex("0217"));
        // Transmit Request, frame id 1, to the node's 64-bit address and the 16-bit address it came from (escaped).
        String expected = HEX.formatHex(XBeeApi.frame(XBeeApi.transmitRequest(1, NODE, 0x7D11, hex("0217")), true));
        await("the transmit request", () -> writtenHex().equals(expected));
    }

    @Test
    void xbeeBroadcastGoesToTheBroadcastAddress() {
        start(options("xbee-api1"));
        link.broadcast(hex("050001003c"));
        String expected = HEX.formatHex(XBeeApi.frame(XBeeApi.transmitRequest(1, 0xFFFFL, 0xFFFE,
                hex("050001003c")), false));
        await("the broadcast", () -> writtenHex().equals(expected));
    }

    @Test
    void xbeeStatusFramesAreCountedAndUnknownTypesSkipped() {
        start(options("xbee-api1"));
        sensorEnd.write(XBeeApi.frame(XBeeApi.transmitStatus(1, 0x1234, 0, 0), false));
        sensorEnd.write(XBeeApi.frame(XBeeApi.transmitStatus(2, 0x1234, 3, 0x21), false));
        sensorEnd.write(XBeeApi.frame(XBeeApi.modemStatus(6), false));
        sensorEnd.write(XBeeApi.frame(hex("8801424400"), false)); // an AT command response: not ours
        await("every frame counted", () -> link.stats().framingErrors(FramingError.UNHANDLED_FRAME_TYPE) == 1);
        assertEquals(1, link.stats().transmitStatusOk());
        assertEquals(1, link.stats().transmitStatusFailed());
        assertEquals(1, link.stats().modemStatus());
        assertEquals(List.of(), received);
    }

    @Test
    void aMessageLargerThanTheRadioCarriesIsCountedAndNotSent() {
        start(options("xbee-api2").withRadioPayload(20));
        SerialAddress.Radio to = new SerialAddress.Radio(pair.gatewayEnd().toString(), NODE);
        link.send(to, new byte[21]);
        link.send(to, new byte[21]);
        link.send(to, hex("0217"));
        String small = HEX.formatHex(XBeeApi.frame(XBeeApi.transmitRequest(1, NODE, 0xFFFE, hex("0217")), true));
        await("the small one, alone", () -> writtenHex().equals(small));
        assertEquals(2, link.stats().tooLargeForRadio());
        await("the frame counted", () -> link.stats().framesOut() == 1);
    }

    @Test
    void aLineThatIsNotReadHoldsAtMostTheWriteQueueTheRestIsDroppedAndCounted() {
        start(options("raw").withWriteQueue(4));
        sensorEnd.close(); // nobody reads: the pty's buffer fills, then the writer waits
        SerialAddress.Line to = new SerialAddress.Line(pair.gatewayEnd().toString());
        byte[] message = new byte[200];
        message[0] = (byte) 200;
        int sent = 5000;
        for (int i = 0; i < sent; i++) {
            link.send(to, message);
        }
        SerialStats stats = link.stats();
        long held = sent - stats.framesOut() - stats.droppedQueueFull() - stats.writeFailed();
        // Held now: at most the four queued and the one being written; everything else is written or counted.
        assertTrue(held >= 0 && held <= 5, "held " + held + ": " + stats);
        assertTrue(stats.droppedQueueFull() > 0, stats.toString());
    }

    @Test
    void aPortMissingAtStartIsOpenedWhenItAppears() {
        pair.unplug();
        link = new SerialLink(options("raw"), (l, from, datagram) -> received.add(new Received(from,
                HEX.formatHex(datagram))));
        link.start();
        assertEquals(false, link.isOpen());
        link.send(new SerialAddress.Line(pair.gatewayEnd().toString()), hex("0217"));
        assertEquals(1, link.stats().droppedPortDown());
        pair.replug();
        await("the port to be opened", link::isOpen);
    }

    @Test
    void anUnpluggedPortIsClosedAndReopenedWhenItComesBack() {
        start(options("raw"));
        pair.unplug();
        await("the link to notice", () -> !link.isOpen());
        sensorEnd.close();
        pair.replug();
        await("the port to be reopened", link::isOpen);
        assertEquals(1, link.stats().reopens());
        sensorEnd = new SerialLine(fast(pair.sensorEnd().toString()), new SerialLine.Listener() {
            @Override
            public void bytes(byte[] buffer, int length) {
            }

            @Override
            public void silence() {
            }
        }, "test-sensor-end-2");
        sensorEnd.start();
        await("the sensor end to open", sensorEnd::isOpen);
        sensorEnd.write(hex("0216"));
        await("traffic after the replug", () -> received.size() == 1);
    }

    @Test
    void addressesSurviveARestartInTheirPersistentFormOnTheirOwnKindOfPortOnly() {
        String device = "/dev/ttyX";
        SerialLink xbee = new SerialLink(SerialOptions.of(device, 9600, Framing.of("xbee-api1")), (l, f, d) -> { });
        SerialLink raw = new SerialLink(SerialOptions.of(device, 9600, Framing.of("raw")), (l, f, d) -> { });
        SerialAddress.Radio node = new SerialAddress.Radio(device, NODE);
        assertEquals(node, xbee.fromPersistentForm(xbee.persistentForm(node)));
        assertNull(raw.fromPersistentForm(xbee.persistentForm(node)));
        SerialAddress.Line line = new SerialAddress.Line(device);
        assertEquals(line, raw.fromPersistentForm(raw.persistentForm(line)));
        assertNull(raw.persistentForm(new SerialAddress.Line("/dev/other")));
        assertThrows(IllegalArgumentException.class, () -> raw.send(node, hex("0217")));
        assertArrayEquals(new byte[] {1, 0}, line.toPersistentForm());
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }
}
