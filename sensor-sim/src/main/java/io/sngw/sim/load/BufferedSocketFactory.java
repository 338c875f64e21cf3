package io.sngw.sim.load;

import javax.net.SocketFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Plain TCP sockets whose input stream is buffered. Paho reads each packet from the bare socket stream byte by byte
 * (the type, each length byte, then the rest): three or four read() system calls per message. For the counting
 * subscriber, at tens of thousands of messages a second on the same two cores as the gateway and the broker, that
 * was a third of a core; with a buffer one read takes whatever the broker has sent.
 */
final class BufferedSocketFactory extends SocketFactory {
    private static final int BUFFER_BYTES = 1 << 16;

    @Override
    public Socket createSocket() {
        return new BufferedSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return new BufferedSocket(host, port, null, 0);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return new BufferedSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return new BufferedSocket(host, port, null, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return new BufferedSocket(address, port, localAddress, localPort);
    }

    private static final class BufferedSocket extends Socket {
        private InputStream in;

        BufferedSocket() {
        }

        BufferedSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
            super(host, port, localAddress, localPort);
        }

        BufferedSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException {
            super(host, port, localAddress, localPort);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            // A read timing out inside the buffer's fill() leaves it as it was, so Paho's retry after its 1 s
            // SO_TIMEOUT reads on from the same place.
            if (in == null) {
                in = new BufferedInput(super.getInputStream());
            }
            return in;
        }
    }

    private static final class BufferedInput extends BufferedInputStream {
        BufferedInput(InputStream in) {
            super(in, BUFFER_BYTES);
        }

        /**
         * Paho asks before every packet, only to know whether anything is arriving; what is buffered answers that
         * without the system call BufferedInputStream would add to ask the socket as well.
         */
        @Override
        public synchronized int available() throws IOException {
            int buffered = count - pos;
            return buffered > 0 ? buffered : super.available();
        }
    }
}
