package io.sngw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports for tests. The port is free when returned; another process may take it before the caller binds
 * it, so callers that start an external process (see {@link MosquittoBroker}) retry on "address in use".
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A TCP port on 127.0.0.1 that nothing listens on right now. */
    public static int tcp() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port on the loopback interface", e);
        }
    }

    /** A UDP port on 127.0.0.1 that nothing is bound to right now. */
    public static int udp() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free UDP port on the loopback interface", e);
        }
    }
}
