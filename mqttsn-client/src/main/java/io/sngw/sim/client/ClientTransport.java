package io.sngw.sim.client;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * How an {@link MqttSnClient} reaches its gateway: whole MQTT-SN messages out and in. Plain UDP
 * ({@link UdpClientTransport}), a DTLS 1.2 session ({@link DtlsClientTransport}), or a sensor on a serial line
 * ({@link SerialClientLine}: raw framing, behind a forwarder, or a radio node behind an XBee module).
 *
 * <p>One thread receives (the client's receiver thread), any thread may send.
 */
public interface ClientTransport extends AutoCloseable {

    /** The local socket address: what the gateway sees as the client's address; null where there is no socket. */
    InetSocketAddress localAddress();

    /** The gateway's address; null where there is no socket. */
    InetSocketAddress remoteAddress();

    /** Sends one MQTT-SN message. */
    void send(byte[] message) throws IOException;

    /**
     * The next message from the gateway; blocks until one arrives.
     *
     * @throws java.nio.channels.ClosedChannelException once the transport is closed, by {@link #close()} or, for a
     *                                                  session, by the gateway
     * @throws IOException                              on any other failure; the caller may try again
     */
    byte[] receive() throws IOException;

    /** "udp", "dtls" or "serial", for descriptions. */
    String kind();

    /** Releases the socket (a DTLS session says close_notify first) and wakes a blocked {@link #receive()}. */
    @Override
    void close();
}
