package io.gatehouse.listener.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse(new String[] {"10.0.0.0/8", "192.168.1.7", "fd00::/8"});

    @Test
    void matchesCidrs() {
        assertTrue(proxies.trusts("10.1.2.3"));
        assertTrue(proxies.trusts("192.168.1.7"));
        assertFalse(proxies.trusts("192.168.1.8"));
        assertTrue(proxies.trusts("fd12::1"));
        assertFalse(proxies.trusts("not-an-ip"));
    }

    @Test
    void forwardedForBelievedOnlyFromTrustedPeers() {
        assertEquals("1.2.3.4", proxies.clientAddress("1.2.3.4", List.of("6.6.6.6")));
        assertEquals("6.6.6.6", proxies.clientAddress("10.0.0.1", List.of("6.6.6.6")));
        assertEquals("7.7.7.7", proxies.clientAddress("10.0.0.1", List.of("6.6.6.6, 7.7.7.7, 10.9.9.9")));
        assertEquals("10.0.0.1", proxies.clientAddress("10.0.0.1", List.of("garbage")));
    }

    @Test
    void badEntriesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.parse(new String[] {"10.0.0.0/33"}));
        assertTrue(e.getMessage().contains("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(new String[] {"example.com"}));
    }

    @Test
    void cfgListsAreSplit() {
        assertEquals(List.of("a", "b"), List.of(ConfigLists.split(new String[] {"a, b"}, ConfigLists.COMMA)));
        assertEquals(List.of("*.html=no-cache", "*=public, max-age=60"),
                List.of(ConfigLists.split(new String[] {"*.html=no-cache;*=public, max-age=60"}, ConfigLists.SEMICOLON)));
    }

    @Test
    void requestIds() {
        assertTrue(RequestIds.valid("abc-123_x.y:z"));
        assertFalse(RequestIds.valid("bad id"));
        assertFalse(RequestIds.valid("x".repeat(129)));
        assertEquals(32, RequestIds.accept("<script>").length());
    }
}
