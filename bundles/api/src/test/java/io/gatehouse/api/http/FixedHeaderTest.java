package io.gatehouse.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FixedHeaderTest {

    @Test
    void badNamesAndValuesAreRefusedByName() {
        assertEquals("header name 'Bad Name' is not an HTTP token",
                assertThrows(IllegalArgumentException.class, () -> new FixedHeader("Bad Name", "x")).getMessage());
        assertEquals("header name 'X??Y' is not an HTTP token",
                assertThrows(IllegalArgumentException.class, () -> new FixedHeader("X\r\nY", "x")).getMessage());
        assertEquals("header name 'null' is not an HTTP token",
                assertThrows(IllegalArgumentException.class, () -> new FixedHeader(null, "x")).getMessage());
        assertEquals("header X-Injected value 'a??Set-Cookie: x' contains a control character",
                assertThrows(IllegalArgumentException.class,
                        () -> new FixedHeader("X-Injected", "a\r\nSet-Cookie: x")).getMessage());
        assertEquals("header X-None has no value",
                assertThrows(IllegalArgumentException.class, () -> new FixedHeader("X-None", null)).getMessage());
    }

    @Test
    void aValueMayHoldTabsAndEqualityIsIdentity() {
        FixedHeader csp = new FixedHeader("Content-Security-Policy", "default-src 'self';\tobject-src 'none'");
        assertEquals("Content-Security-Policy", csp.name());
        assertEquals("default-src 'self';\tobject-src 'none'", csp.value());
        assertNotEquals(csp, new FixedHeader(csp.name(), csp.value()));
    }
}
