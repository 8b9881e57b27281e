package io.gatehouse.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad configuration is refused with a message naming the zone and the value; the previous one stays. */
class ZoneConfigurationTest {

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", "io.gatehouse.ratelimit.zone~login");
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static ZoneComponent component(Map<String, Object> p) {
        return new ZoneComponent(Configs.of(ZoneConfig.class, p), p);
    }

    private static String error(Map<String, Object> p) {
        return assertThrows(IllegalArgumentException.class, () -> component(p)).getMessage();
    }

    @Test
    void aRateThatIsNotARateIsNamed() {
        String m = error(props("rate", "fast"));
        assertTrue(m.contains("zone 'login'") && m.contains("rate 'fast'"), m);
    }

    @Test
    void aNegativeBurstIsNamed() {
        String m = error(props("rate", "5r/m", "burst", -1));
        assertTrue(m.contains("zone 'login'") && m.contains("burst -1"), m);
    }

    @Test
    void anUnknownKeyTypeIsNamed() {
        String m = error(props("rate", "5r/m", "key", "ip+cookie:sid"));
        assertTrue(m.contains("zone 'login'") && m.contains("'cookie:sid'"), m);
    }

    @Test
    void otherBadValuesAreNamed() {
        assertTrue(error(props("rate", "0r/s")).contains("'0r/s'"));
        assertTrue(error(props("rate", "5r/h")).contains("'5r/h'"));
        assertTrue(error(props("rate", "5r/s", "nodelay", true, "delay", 2)).contains("delay=2"));
        assertTrue(error(props("rate", "5r/s", "paths", "api/**")).contains("'api/**'"));
        assertTrue(error(props("rate", "5r/s", "methods", "post")).contains("'post'"));
        assertTrue(error(props("rate", "5r/s", "key", "header:bad header")).contains("'bad header'"));
        assertTrue(error(props()).contains("limits nothing"));
        assertTrue(error(props("rate", "5r/s", "status", 200)).contains("status 200"));
    }

    @Test
    void theNameComesFromTheNamedFactoryConfiguration() {
        Map<String, Object> p = props("rate", "100r/m");
        p.put("service.pid", "io.gatehouse.ratelimit.zone~api");
        assertEquals("api", component(p).zone().spec().name());
        assertEquals("login", component(props("rate", "1r/s")).zone().spec().name());
        assertEquals("custom", component(props("rate", "1r/s", "name", "custom")).zone().spec().name());
    }

    @Test
    void aBadUpdateLeavesThePreviousConfigurationInForce() {
        ZoneComponent c = component(props("paths", "/api/auth/login", "rate", "5r/m", "burst", 4, "nodelay", true));
        for (Map<String, Object> bad : new Map[] {props("rate", "fast"), props("rate", "5r/m", "burst", -3),
            props("rate", "5r/m", "key", "cookie"), props("rate", "5r/m", "name", "other")}) {
            c.modified(Configs.of(ZoneConfig.class, bad), bad);
            ZoneSpec s = c.zone().spec();
            assertEquals("5r/m", s.rate().text());
            assertEquals(4000, s.burst());
            assertTrue(s.nodelay());
            assertEquals("login", s.name());
        }
        Map<String, Object> good = props("paths", "/api/auth/login", "rate", "10r/m", "burst", 2);
        c.modified(Configs.of(ZoneConfig.class, good), good);
        assertEquals("10r/m", c.zone().spec().rate().text());
        assertEquals(0, c.zone().spec().delay());
    }

    @Test
    void commaSeparatedValuesFromACfgFileAreSplit() {
        Map<String, Object> p = props("rate", "1r/s", "paths", "/api/**, /admin/**", "methods", "POST,PUT");
        ZoneSpec s = component(p).zone().spec();
        assertEquals(2, s.paths().size());
        assertTrue(s.matches("PUT", "/admin/x"));
        assertTrue(!s.matches("GET", "/admin/x"));
    }

    @Test
    void ratesFollowNginxIntegerUnits() {
        assertEquals(83, Rate.parse("5r/m").milliPerSecond());
        assertEquals(1666, Rate.parse("100r/m").milliPerSecond());
        assertEquals(16, Rate.parse("1r/m").milliPerSecond());
        assertEquals(10_000, Rate.parse("10r/s").milliPerSecond());
    }
}
