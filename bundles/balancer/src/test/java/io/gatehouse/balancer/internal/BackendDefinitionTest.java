package io.gatehouse.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackendDefinitionTest {

    private static final PassivePolicy DEFAULTS = new PassivePolicy(1, TimeUnit.SECONDS.toNanos(10), 0);

    @Test
    void parsesNginxServerSyntax() {
        BackendDefinition d = BackendDefinition.parse(
                "127.0.0.1:5005 weight=2 max_conns=100 max_fails=3 fail_timeout=10s slow_start=30s backup", DEFAULTS);
        assertEquals("127.0.0.1:5005", d.id());
        assertEquals(2, d.spec().weight());
        assertEquals(100, d.spec().maxConnections());
        assertTrue(d.spec().backup());
        assertEquals(new PassivePolicy(3, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(30)), d.policy());
    }

    @Test
    void defaultsApplyAndIpv6Parses() {
        BackendDefinition d = BackendDefinition.parse("[::1]:8080 down", DEFAULTS);
        assertEquals("::1", d.spec().host());
        assertEquals(8080, d.spec().port());
        assertEquals(DEFAULTS, d.policy());
        assertTrue(d.down());
    }

    @Test
    void entriesSplitOnCommas() {
        assertEquals(List.of("a:1 weight=2", "b:2", "c:3"),
                BackendDefinition.entries(new String[] {"a:1 weight=2, b:2", " c:3 ", ""}));
    }

    @Test
    void badEntriesNameTheEntryAndTheProblem() {
        for (String[] c : new String[][] {
            {"localhost", "not host:port"},
            {"127.0.0.1:99999", "port must be 1-65535"},
            {"127.0.0.1:80 weight=0", "weight must be at least 1"},
            {"127.0.0.1:80 weight=x", "weight 'x' is not a whole number"},
            {"127.0.0.1:80 fail_timeout=soon", "fail_timeout 'soon' is not a duration"},
            {"127.0.0.1:80 max_fails=-1", "max_fails must be 0"},
            {"127.0.0.1:80 heavy", "unknown parameter 'heavy'"},
            {"127.0.0.1:80 backup=yes", "backup takes no value"},
            {"bad host:80", "not host:port"},
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BackendDefinition.parse(c[0], DEFAULTS), c[0]);
            assertTrue(e.getMessage().contains("'" + c[0] + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void durations() {
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), Durations.parseNanos("500ms", "x"));
        assertEquals(TimeUnit.SECONDS.toNanos(7), Durations.parseNanos("7", "x"));
        assertEquals(TimeUnit.MINUTES.toNanos(2), Durations.parseNanos("2m", "x"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseNanos("-1s", "x"));
    }
}
