package io.gatehouse.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.api.balancer.BalancingStrategy;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StrategyCatalogTest {

    private final StrategyCatalog catalog = new StrategyCatalog(new MetricsBinding());
    private final BalancingStrategy leastConn = (c, e) -> c.get(0);
    private final BalancingStrategy custom = (c, e) -> c.get(0);

    @Test
    void usesBuiltInUntilAStrategyRegisters() {
        assertEquals(StrategyCatalog.BUILT_IN, catalog.active().name());
        catalog.add("least-conn", leastConn);
        assertEquals("least-conn", catalog.active().name());
    }

    @Test
    void configuredStrategyIsUsedWhenItAppearsAndFallsBackWhenItGoes() {
        catalog.add("least-conn", leastConn);
        catalog.desire("custom");
        assertEquals("least-conn", catalog.active().name());
        catalog.add("custom", custom);
        assertEquals("custom", catalog.active().name());
        assertEquals(Set.of("custom", "least-conn"), catalog.names());
        catalog.remove("custom", custom);
        assertEquals("least-conn", catalog.active().name());
        catalog.remove("least-conn", leastConn);
        assertEquals(StrategyCatalog.BUILT_IN, catalog.active().name());
        catalog.add("custom", custom);
        assertEquals("custom", catalog.active().name());
    }

    @Test
    void blankNameMeansDefault() {
        catalog.add("least-conn", leastConn);
        catalog.add("custom", custom);
        catalog.desire("custom");
        catalog.desire(" ");
        assertEquals("least-conn", catalog.active().name());
    }
}
