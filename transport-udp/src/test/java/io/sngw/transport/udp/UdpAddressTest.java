package io.sngw.transport.udp;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    @Test
    void persistentFormRoundTripsBothFamiliesAndScope() throws Exception {
        UdpAddress v4 = new UdpAddress(new InetSocketAddress("10.1.2.3", 65535));
        assertArrayEquals(new byte[] {1, 10, 1, 2, 3, (byte) 0xFF, (byte) 0xFF}, v4.toPersistentForm());
        assertEquals(v4, UdpAddress.fromPersistentForm(v4.toPersistentForm()));

        UdpAddress v6 = new UdpAddress(new InetSocketAddress("2001:db8::7", 1884));
        assertEquals(23, v6.toPersistentForm().length);
        assertEquals(v6, UdpAddress.fromPersistentForm(v6.toPersistentForm()));

        java.net.Inet6Address linkLocal = java.net.Inet6Address.getByAddress(null,
                java.net.InetAddress.getByName("fe80::1").getAddress(), 3);
        UdpAddress scoped = new UdpAddress(new InetSocketAddress(linkLocal, 5000));
        UdpAddress back = UdpAddress.fromPersistentForm(scoped.toPersistentForm());
        assertEquals(scoped, back);
        assertEquals(3, ((java.net.Inet6Address) back.socket().getAddress()).getScopeId());
    }

    @Test
    void foreignOrDamagedFormsAreNotAddresses() {
        assertNull(UdpAddress.fromPersistentForm(null));
        assertNull(UdpAddress.fromPersistentForm(new byte[0]));
        assertNull(UdpAddress.fromPersistentForm(new byte[] {1, 10, 1, 2, 3, 0}));
        assertNull(UdpAddress.fromPersistentForm(new byte[] {2, 10, 1, 2, 3, 0, 1}));
        assertNull(UdpAddress.fromPersistentForm(new byte[8]));
    }

    @Test
    void transportRestoresItsOwnAddressesOnly() {
        UdpTransport transport = new UdpTransport(UdpOptions.loopbackEphemeral(), (l, f, d) -> { });
        UdpAddress a = new UdpAddress(new InetSocketAddress("127.0.0.1", 4000));
        assertEquals(a, transport.fromPersistentForm(transport.persistentForm(a)));
        assertNull(transport.persistentForm(new io.sngw.core.link.LinkAddress() { }));
    }
}
