package io.sngw.transport.udp;

/** The UDP socket could not be opened or bound; the message names the address, the port and the cause. */
public final class UdpBindException extends RuntimeException {
    private final String address;
    private final int port;

    public UdpBindException(String address, int port, Throwable cause) {
        super("cannot bind UDP " + format(address, port) + ": " + describe(cause), cause);
        this.address = address;
        this.port = port;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    private static String format(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return (message == null ? "" : message + " ") + "(" + cause.getClass().getName() + ")";
    }
}
