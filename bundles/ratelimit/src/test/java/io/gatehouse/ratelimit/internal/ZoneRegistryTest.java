package io.gatehouse.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.gatehouse.tools.exchange.TestExchange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ZoneRegistryTest {

    private final AtomicLong clock = new AtomicLong(5_000);
    private final ZoneRegistry registry = new ZoneRegistry(clock::get, false);
    private final LimitReqFilter filter = new LimitReqFilter(registry);

    @Test
    void zoneCountersAreInTheSharedRegistryWithAZoneLabel() {
        MetricRegistry metrics = new MetricRegistry();
        registry.bindMetrics(metrics);
        Zone z = new Zone(Configs.zone("login", Map.of("paths", "/login", "rate", "1r/m")));
        registry.add(z);
        filter.filter(new TestExchange("POST", "/login", "10.0.0.1"));
        filter.filter(new TestExchange("POST", "/login", "10.0.0.1"));
        assertEquals(1, metrics.getCounters().get("gatehouse.ratelimit.passed{zone=\"login\"}").getCount());
        assertEquals(1, metrics.getCounters().get("gatehouse.ratelimit.hits{zone=\"login\"}").getCount());
        assertEquals(1, metrics.getGauges().get("gatehouse.ratelimit.keys{zone=\"login\"}").getValue());
        registry.remove(z);
        assertTrue(metrics.getNames().stream().noneMatch(n -> n.startsWith("gatehouse.ratelimit")));
    }

    @Test
    void metricsArriveAndLeaveWithTheRegistryService() {
        Zone z = new Zone(Configs.zone("api", Map.of("rate", "1r/s")));
        registry.add(z);
        MetricRegistry metrics = new MetricRegistry();
        registry.bindMetrics(metrics);
        assertTrue(metrics.getNames().contains("gatehouse.ratelimit.hits{zone=\"api\"}"));
        registry.unbindMetrics(metrics);
        assertTrue(metrics.getNames().isEmpty());
    }

    @Test
    void resetForgetsOneKeyOrAllAndNamesAnUnknownZone() {
        registry.add(new Zone(Configs.zone("login", Map.of("paths", "/login", "rate", "1r/m"))));
        filter.filter(new TestExchange("POST", "/login", "10.0.0.1"));
        filter.filter(new TestExchange("POST", "/login", "10.0.0.2"));
        assertTrue(filter.filter(new TestExchange("POST", "/login", "10.0.0.1")).isRejection());
        assertEquals(1, registry.reset("login", "10.0.0.1"));
        assertFalse(filter.filter(new TestExchange("POST", "/login", "10.0.0.1")).isRejection());
        assertEquals(0, registry.reset("login", "10.9.9.9"));
        assertEquals(2, registry.reset("login", null));
        assertEquals(List.of("login"), registry.names());
        String m = assertThrows(IllegalArgumentException.class, () -> registry.reset("logn", null)).getMessage();
        assertTrue(m.contains("'logn'") && m.contains("login"), m);
        ZoneStatus s = registry.status().get(0);
        assertEquals("1r/m", s.rate());
        assertEquals(3, s.passed());
        assertEquals(1, s.limited());
    }
}
