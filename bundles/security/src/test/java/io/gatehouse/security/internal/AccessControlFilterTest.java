package io.gatehouse.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.tools.exchange.TestExchange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessControlFilterTest {

    private final List<SecurityEvent> events = new ArrayList<>();
    private final AccessControlFilter filter = new AccessControlFilter(new SecurityEventRecorder(events::add));

    private static Map<String, Object> props(String name, String paths, String rules) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", "io.gatehouse.security.access~" + name);
        m.put("paths", paths);
        m.put("rules", rules);
        return m;
    }

    private AccessPolicy policy(String name, String paths, String rules) {
        Map<String, Object> p = props(name, paths, rules);
        AccessPolicy policy = new AccessPolicy(Annotations.config(AccessPolicyConfig.class, p), p);
        filter.addPolicy(policy);
        return policy;
    }

    private int status(String path, String client) {
        return filter.filter(new TestExchange("GET", path, client)).status();
    }

    @Test
    void firstMatchingRuleWinsForIpv4AndIpv6() {
        policy("admin", "/api/admin/**", "deny 10.9.0.0/16, allow 10.0.0.0/8, allow ::1, allow fd00::/8, deny all");
        assertEquals(0, status("/api/admin/users", "10.1.2.3"));
        assertEquals(403, status("/api/admin/users", "10.9.1.1"), "the earlier deny wins over the later allow");
        assertEquals(403, status("/api/admin/users", "192.168.1.1"));
        assertEquals(0, status("/api/admin/users", "::1"));
        assertEquals(0, status("/api/admin/users", "[fd12:3456::1]"));
        assertEquals(403, status("/api/admin/users", "2001:db8::1"));
        assertEquals(0, status("/api/admin/users", "::ffff:10.1.2.3"), "IPv4-mapped addresses match IPv4 rules");
        assertEquals(0, status("/api/items", "192.168.1.1"), "other paths are not restricted");
    }

    @Test
    void theMostSpecificPolicyDecides() {
        policy("api", "/api/**", "deny 192.168.0.0/16");
        policy("admin", "/api/admin/**", "allow 192.168.1.0/24, deny all");
        assertEquals(0, status("/api/admin/x", "192.168.1.7"));
        assertEquals(403, status("/api/items", "192.168.1.7"));
        assertEquals(403, status("/api/admin/x", "172.16.0.1"));
    }

    @Test
    void aDenialIsASecurityEvent() {
        policy("admin", "/admin/**", "deny all");
        assertEquals(403, status("/admin/", "10.0.0.5"));
        assertEquals(1, events.size());
        assertEquals(SecurityEventType.ACCESS_DENIED, events.get(0).type());
        assertEquals("10.0.0.5", events.get(0).clientAddress());
    }

    @Test
    void badCidrsAreNamed() {
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0.256", "10.0.0", "intranet.example.com", "::1/129",
            "2001:db8::g", "10.0.0.0/-1"}) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> AccessPolicy.rules("admin", new String[] {"allow " + bad})).getMessage();
            assertTrue(m.contains("'" + bad + "'") && m.contains("'admin'"), m);
        }
        String m = assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.rules("admin", new String[] {"permit 10.0.0.0/8"})).getMessage();
        assertTrue(m.contains("'permit 10.0.0.0/8'"), m);
    }

    @Test
    void aBadUpdateKeepsThePreviousRules() {
        AccessPolicy p = policy("admin", "/admin/**", "allow 127.0.0.1, deny all");
        Map<String, Object> bad = props("admin", "/admin/**", "allow 10.0.0.0/33, deny all");
        p.modified(Annotations.config(AccessPolicyConfig.class, bad), bad);
        assertEquals(0, status("/admin/", "127.0.0.1"));
        assertEquals(403, status("/admin/", "10.0.0.1"));
        Map<String, Object> good = props("admin", "/admin/**", "allow 10.0.0.0/8, deny all");
        p.modified(Annotations.config(AccessPolicyConfig.class, good), good);
        assertEquals(0, status("/admin/", "10.0.0.1"));
    }

    @Test
    void aBadNewPolicyFailsClosedOnItsPaths() {
        policy("admin", "/admin/**", "allow 10.0.0.0/33");
        assertEquals(403, status("/admin/", "10.0.0.1"));
        assertEquals(0, status("/public", "10.0.0.1"));
    }
}
