package io.sngw.sim.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Plays the gateway's side of a conversation with exact bytes: a plain UDP socket, no codec, so the client is
 * checked against the wire format itself rather than against our own encoder.
 */
final class ScriptedGateway implements AutoCloseable {
    /** Generous: only a broken client makes a test wait this long. */
    private static final int WAIT_MILLIS = 10_000;

    private final DatagramSocket socket;
    private InetSocketAddress client;

    ScriptedGateway() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout(WAIT_MILLIS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Where {@link #send} goes before the client has sent anything. */
    void talkTo(InetSocketAddress clientAddress) {
        this.client = clientAddress;
    }

    /** The next datagram from the client. */
    byte[] receive() {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the client sent nothing within " + WAIT_MILLIS + " ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client = (InetSocketAddress) packet.getSocketAddress();
        return Arrays.copyOfRange(packet.getData(), packet.getOffset(), packet.getOffset() + packet.getLength());
    }

    /** Receives the next datagram and checks it byte for byte. */
    void expect(String hex) {
        assertEquals(normalize(hex), HexFormat.ofDelimiter(" ").formatHex(receive()));
    }

    void send(String hex) {
        byte[] bytes = bytes(hex);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, client));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static String normalize(String hex) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes(hex));
    }

    @Override
    public void close() {
        socket.close();
    }
}
