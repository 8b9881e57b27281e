package io.gatehouse.console.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZoneValidatorTest {

    private final ZoneValidator validator = new ZoneValidator();

    @Test
    void acceptsRatesInNginxNotationAndPlainNumbers() {
        assertEquals("10r/s", validator.convert("rate", " 10r/s ", "5r/s"));
        assertEquals("600r/m", validator.convert("rate", "600r/m", "5r/s"));
        assertEquals(20.0, validator.convert("rate", "20", 5.0));
        assertEquals(7, validator.convert("rate", "7", 5));
    }

    @Test
    void refusesARateThatIsNotOneNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> validator.convert("rate", "fast", "5r/s"));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> validator.convert("rate", "0r/s", "5r/s"));
        assertThrows(IllegalArgumentException.class, () -> validator.convert("rate", "-3", 5));
    }

    @Test
    void keepsTheTypeOfTheCurrentValue() {
        assertEquals(12, validator.convert("burst", "12", 10));
        assertEquals(12L, validator.convert("burst", "12", 10L));
        assertEquals("12", validator.convert("burst", "12", "10"));
        assertEquals(Boolean.TRUE, validator.convert("nodelay", "true", false));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) validator.convert("keys", "a, b", new String[0]));
    }

    @Test
    void refusesBadNumbersBooleansAndEmptyText() {
        assertThrows(IllegalArgumentException.class, () -> validator.convert("burst", "lots", 10));
        assertThrows(IllegalArgumentException.class, () -> validator.convert("burst", "-1", 10));
        assertThrows(IllegalArgumentException.class, () -> validator.convert("burst", "x", "10"));
        assertThrows(IllegalArgumentException.class, () -> validator.convert("burst", "99999999999", 10));
        assertThrows(IllegalArgumentException.class, () -> validator.convert("nodelay", "yes", false));
        assertThrows(IllegalArgumentException.class, () -> validator.convert("key", " ", "binary_remote_addr"));
        assertThrows(IllegalArgumentException.class, () -> validator.convert("key", "a\nb", "x"));
    }
}
