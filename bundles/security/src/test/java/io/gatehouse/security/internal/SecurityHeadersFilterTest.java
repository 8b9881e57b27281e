package io.gatehouse.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.tools.exchange.TestExchange;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityHeadersFilterTest {

    private static SecurityHeadersFilter filter(Map<String, ?> config) {
        return new SecurityHeadersFilter(Annotations.config(SecurityHeadersConfig.class, config));
    }

    private static Map<String, String> headers(SecurityHeadersFilter f, String scheme) {
        TestExchange e = new TestExchange("GET", "/", "10.0.0.1");
        e.scheme(scheme);
        assertFalse(f.filter(e).isRejection());
        return e.responseHeaders();
    }

    @Test
    void safeDefaultsSetEverySecurityHeader() {
        Map<String, String> h = headers(filter(Map.of()), "https");
        assertEquals("max-age=31536000; includeSubDomains", h.get("Strict-Transport-Security"));
        assertTrue(h.get("Content-Security-Policy").contains("default-src 'self'"));
        assertEquals("DENY", h.get("X-Frame-Options"));
        assertEquals("nosniff", h.get("X-Content-Type-Options"));
        assertEquals("strict-origin-when-cross-origin", h.get("Referrer-Policy"));
        assertTrue(h.get("Permissions-Policy").contains("camera=()"));
        assertEquals("same-origin", h.get("Cross-Origin-Opener-Policy"));
    }

    @Test
    void hstsIsSentOverHttpsOnly() {
        assertNull(headers(filter(Map.of()), "http").get("Strict-Transport-Security"));
    }

    @Test
    void anEmptyValueDisablesAHeaderAndExtraHeadersAreAdded() {
        Map<String, String> h = headers(filter(Map.of("content.security.policy", "", "extra",
                new String[] {"X-Robots-Tag: noindex", "Cross-Origin-Resource-Policy: same-site"})), "https");
        assertNull(h.get("Content-Security-Policy"));
        assertEquals("noindex", h.get("X-Robots-Tag"));
        assertEquals("same-site", h.get("Cross-Origin-Resource-Policy"));
    }

    @Test
    void badValuesAreNamed() {
        for (Object[] c : new Object[][] {{"frame.options", "ALLOWALL", "'ALLOWALL'"},
            {"hsts", "forever", "'forever'"}, {"referrer.policy", "sometimes", "'sometimes'"},
            {"content.security.policy", "default-src 'self'\r\nSet-Cookie: x=1", "control character"},
            {"hsts", "max-age=60; \u0001x", "control character"},
            {"extra", "NoColonHere", "'NoColonHere'"}, {"extra", "Bad Name: x", "'Bad Name'"},
            {"extra", "X-Ok: a\u0000b", "control character"}}) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> HeaderSet.parse(Annotations.config(SecurityHeadersConfig.class, Map.of((String) c[0], c[1]))))
                    .getMessage();
            assertTrue(m.contains((String) c[2]), m);
            assertTrue(m.startsWith(c[0].equals("extra") ? "extra header '" : (String) c[0]), m);
        }
        // a value is shown with its control characters as '?': an error logged stays one line
        for (String[] c : new String[][] {{"frame.options", "DENY\r\nX"}, {"extra", "Bad\r\nName: x"},
            {"content.security.policy", "a\nb"}}) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> HeaderSet.parse(Annotations.config(SecurityHeadersConfig.class, Map.of(c[0], c[1]))))
                    .getMessage();
            assertTrue(m.indexOf('\r') < 0 && m.indexOf('\n') < 0, m);
        }
    }

    @Test
    void aBadUpdateKeepsThePreviousHeaders() {
        SecurityHeadersFilter f = filter(Map.of("frame.options", "SAMEORIGIN"));
        f.modified(Annotations.config(SecurityHeadersConfig.class, Map.of("frame.options", "ALLOWALL")));
        assertEquals("SAMEORIGIN", headers(f, "https").get("X-Frame-Options"));
        f.modified(Annotations.config(SecurityHeadersConfig.class, Map.of("frame.options", "DENY")));
        assertEquals("DENY", headers(f, "https").get("X-Frame-Options"));
    }

    @Test
    void aBadFirstConfigurationFallsBackToTheSafeDefaults() {
        assertEquals("DENY", headers(filter(Map.of("frame.options", "ALLOWALL")), "https").get("X-Frame-Options"));
    }
}
