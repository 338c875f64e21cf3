package io.sngw.transport.udp;

/** "host:port" or "[ipv6]:port" taken apart, with an error message that says what is wrong. */
record HostPort(String host, int port) {

    static HostPort parse(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty; expected host:port or [ipv6]:port");
        }
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(what + " has '[' without ']': '" + text + "'");
            }
            host = text.substring(1, close);
            if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(what + " needs a port after ']': '" + text + "', e.g. [ff02::1]:1884");
            }
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(what + " needs a port: '" + text + "', expected host:port");
            }
            if (text.indexOf(':') != colon) {
                throw new IllegalArgumentException(what + " looks like an IPv6 address without brackets: '" + text
                        + "'; write it as [address]:port, e.g. [ff02::1]:1884");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException(what + " has no host: '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " has a port that is not a number: '" + text + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " port must be 1..65535: '" + text + "'");
        }
        return new HostPort(host, port);
    }
}
