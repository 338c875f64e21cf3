package io.sngw.transport.udp;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpOptionsTest {

    private static void assertRejected(String expectedFragment, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().contains(expectedFragment), () -> "message was: " + e.getMessage());
    }

    @Test
    void defaultsListenOnEveryIpv4InterfaceOnTheMqttSnPort() {
        UdpOptions o = UdpOptions.defaults();
        assertEquals("0.0.0.0", o.bindAddress());
        assertEquals(1884, o.port());
        assertNull(o.broadcastAddress());
        assertNull(o.broadcastSocketAddress());
        assertEquals(4 * 1024 * 1024, o.receiveBufferBytes());
        assertEquals(new InetSocketAddress("0.0.0.0", 1884), o.bindSocketAddress());
    }

    @Test
    void broadcastAddressesInBothFamilies() {
        assertEquals(new InetSocketAddress("255.255.255.255", 1884),
                UdpOptions.defaults().withBroadcastAddress("255.255.255.255:1884").broadcastSocketAddress());
        assertEquals(new InetSocketAddress("ff02::1", 1884),
                UdpOptions.defaults().withBroadcastAddress("[ff02::1]:1884").broadcastSocketAddress());
    }

    @Test
    void bracketedBindAddressIsAccepted() {
        assertEquals("::", UdpOptions.defaults().withBindAddress("[::]").bindAddress());
    }

    @Test
    void invalidValuesAreRejectedWithPreciseMessages() {
        UdpOptions d = UdpOptions.defaults();
        assertRejected("bind address must not be empty", () -> d.withBindAddress(" "));
        assertRejected("bind address must not be empty", () -> d.withBindAddress(null));
        assertRejected("port must be 0..65535 (0 = ephemeral): 65536", () -> d.withPort(65536));
        assertRejected("port must be 0..65535 (0 = ephemeral): -1", () -> d.withPort(-1));
        assertRejected("needs a port: '255.255.255.255'", () -> d.withBroadcastAddress("255.255.255.255"));
        assertRejected("IPv6 address without brackets", () -> d.withBroadcastAddress("ff02::1:1884"));
        assertRejected("needs a port after ']'", () -> d.withBroadcastAddress("[ff02::1]"));
        assertRejected("'[' without ']'", () -> d.withBroadcastAddress("[ff02::1:1884"));
        assertRejected("port that is not a number", () -> d.withBroadcastAddress("10.0.0.255:mqtt"));
        assertRejected("port must be 1..65535", () -> d.withBroadcastAddress("10.0.0.255:0"));
        assertRejected("has no host", () -> d.withBroadcastAddress(":1884"));
        assertRejected("receive buffer must be positive", () -> d.withBuffers(0, 1024));
        assertRejected("send buffer must be positive", () -> d.withBuffers(1024, -1));
    }
}
