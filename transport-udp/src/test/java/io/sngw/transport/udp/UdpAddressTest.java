package io.sngw.transport.udp;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UdpAddressTest {

    @Test
    void equalSocketsAreEqualAddresses() {
        UdpAddress a = new UdpAddress(new InetSocketAddress("127.0.0.1", 5000));
        UdpAddress b = new UdpAddress(new InetSocketAddress("127.0.0.1", 5000));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new UdpAddress(new InetSocketAddress("127.0.0.1", 5001)));
    }

    @Test
    void printsAsUdpHostPort() {
        assertEquals("udp:10.1.2.3:1884", new UdpAddress(new InetSocketAddress("10.1.2.3", 1884)).toString());
        assertEquals("udp:[0:0:0:0:0:0:0:1]:1884", new UdpAddress(new InetSocketAddress("::1", 1884)).toString());
    }

    @Test
    void needsASocket() {
        assertThrows(NullPointerException.class, () -> new UdpAddress(null));
    }
}
