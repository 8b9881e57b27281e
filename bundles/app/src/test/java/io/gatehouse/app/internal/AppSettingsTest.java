package io.gatehouse.app.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppSettingsTest {

    /** An AppConfig with defaults, some overridden by property name. */
    static AppConfig config(Map<String, Object> overrides) {
        return (AppConfig) java.lang.reflect.Proxy.newProxyInstance(AppConfig.class.getClassLoader(),
                new Class<?>[] {AppConfig.class}, (proxy, method, args) -> {
                    String name = method.getName().replace('_', '.');
                    if (overrides.containsKey(name)) {
                        return overrides.get(name);
                    }
                    if (method.getName().equals("annotationType")) {
                        return AppConfig.class;
                    }
                    return method.getDefaultValue();
                });
    }

    @Test
    void defaults() {
        AppSettings s = AppSettings.of(config(Map.of()));
        assertEquals(Duration.ofMinutes(15), s.tokenLifetime());
        assertEquals(600_000, s.passwordIterations());
        assertTrue(s.keyDirectory().toString().endsWith("gatehouse/jwt"));
        assertEquals("gatehouse_session", s.cookieName());
    }

    @Test
    void badValuesAreNamed() {
        Map<String, String> expectations = Map.of(
                "jwt.expiryMinutes", "jwt.expiryMinutes must be between 1 and 1440, was 0",
                "password.iterations", "password.iterations must be at least 600000 (OWASP), was 1000",
                "cookie.name", "cookie.name must match",
                "paging.maxSize", "paging.maxSize must be between 1 and 1000, was 0");
        Map<String, Object> values = Map.of("jwt.expiryMinutes", 0, "password.iterations", 1000,
                "cookie.name", "a;b", "paging.maxSize", 0);
        for (var e : expectations.entrySet()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> AppSettings.of(config(Map.of(e.getKey(), values.get(e.getKey())))));
            assertTrue(ex.getMessage().startsWith(e.getValue()), ex.getMessage());
        }
    }
}
