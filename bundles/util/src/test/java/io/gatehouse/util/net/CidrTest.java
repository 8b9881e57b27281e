package io.gatehouse.util.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CidrTest {

    private static boolean in(String cidr, String address) {
        return Cidr.parse(cidr).contains(IpLiteral.bytes(address));
    }

    @Test
    void ipv4NetworksAndSingleAddresses() {
        assertTrue(in("10.0.0.0/8", "10.1.2.3"));
        assertFalse(in("10.0.0.0/8", "11.0.0.1"));
        assertTrue(in("192.168.1.7", "192.168.1.7"));
        assertFalse(in("192.168.1.7", "192.168.1.8"));
        assertTrue(in("10.1.2.3/8", "10.200.0.1"), "host bits of the network are masked off");
        assertFalse(in("10.0.0.0/9", "10.128.0.1"));
        assertTrue(in("10.0.0.0/9", "10.127.255.255"));
        assertTrue(in("0.0.0.0/0", "8.8.8.8"));
        assertTrue(in("172.16.0.0/12", "172.31.255.255"));
        assertFalse(in("172.16.0.0/12", "172.32.0.0"));
    }

    @Test
    void ipv6NetworksAndSingleAddresses() {
        assertTrue(in("fd00::/8", "fd12::1"));
        assertFalse(in("fd00::/8", "fe00::1"));
        assertTrue(in("2001:db8::/32", "2001:db8:ffff::1"));
        assertTrue(in("2001:db8::/33", "2001:db8:7fff::1"));
        assertFalse(in("2001:db8::/33", "2001:db8:8000::1"));
        assertTrue(in("::1", "[::1]"));
        assertTrue(in("fe80::1", "fe80::1%eth0"), "an IPv6 zone is dropped");
        assertTrue(in("::/0", "2001:db8::1"));
    }

    @Test
    void familiesNeverMatchEachOtherButMappedAddressesAreIpv4() {
        assertFalse(in("2001:db8::/32", "10.0.0.1"));
        assertFalse(in("0.0.0.0/0", "::1"));
        assertFalse(in("::/0", "10.0.0.1"));
        assertTrue(in("10.0.0.0/8", "::ffff:10.1.2.3"));
    }

    @Test
    void somethingThatIsNotALiteralIsInNoNetworkButAll() {
        assertFalse(in("10.0.0.1", "not-an-address"));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(null));
        assertTrue(Cidr.ALL.contains(null));
        assertTrue(Cidr.ALL.contains(IpLiteral.bytes("2001:db8::1")));
    }

    @Test
    void allOnlyWhereAsked() {
        assertSame(Cidr.ALL, Cidr.parseOrAll("all"));
        assertSame(Cidr.ALL, Cidr.parseOrAll(" ALL "));
        String m = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("all")).getMessage();
        assertTrue(m.contains("'all'") && !m.contains("or 'all'"), m);
    }

    @Test
    void badValuesAreNamedWithWhatIsExpected() {
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0.256", "10.0.0", "intranet.example.com", "example.com",
            "::1/129", "2001:db8::g", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/", "10.0.0.0/0008", "", "/8", "1.2.3.4/8/8"}) {
            String m = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad)).getMessage();
            assertTrue(m.startsWith("CIDR '" + bad + "'"), m);
        }
        assertEquals("CIDR '10.0.0.0/33' has an invalid prefix length '33': expected 0-32",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertEquals("CIDR '::1/129' has an invalid prefix length '129': expected 0-128",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::1/129")).getMessage());
        assertEquals("CIDR 'example.com' is not an IPv4 or IPv6 address or a network such as 10.0.0.0/8 or 2001:db8::/32",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com")).getMessage());
        assertEquals("CIDR 'any' is not an IPv4 or IPv6 address, a network such as 10.0.0.0/8 or 2001:db8::/32, or 'all'",
                assertThrows(IllegalArgumentException.class, () -> Cidr.parseOrAll("any")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cidr.parse(null)).getMessage()
                .startsWith("CIDR 'null'"));
    }

    @Test
    void showsItselfAsConfigured() {
        assertEquals("10.1.2.3/8", Cidr.parse(" 10.1.2.3/8 ").toString());
        assertEquals("fd00::/8", Cidr.parse("fd00::/8").toString());
        assertEquals("all", Cidr.parseOrAll("ALL").toString());
    }

    @Test
    void literalsAreParsedWithoutNameResolution() {
        assertArrayEquals(new byte[] {10, 1, 2, 3}, IpLiteral.bytes("10.1.2.3"));
        assertArrayEquals(new byte[] {10, 1, 2, 3}, IpLiteral.bytes(" 10.1.2.3 "));
        assertArrayEquals(new byte[] {10, 1, 2, 3}, IpLiteral.bytes("::ffff:10.1.2.3"));
        assertEquals(16, IpLiteral.bytes("[fd12:3456::1]").length);
        assertEquals(16, IpLiteral.bytes("fe80::1%eth0").length);
        for (String notOne : new String[] {"", "[]", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "1.2.3.256",
            "1.2.3.1234", "1..2.3", "2001:db8::g", "1.2.3.4:80", ".:1", "\u0661::1", "\uff11::1", "::1::2"}) {
            assertNull(IpLiteral.bytes(notOne), notOne);
        }
        assertNull(IpLiteral.bytes(null));
    }
}
