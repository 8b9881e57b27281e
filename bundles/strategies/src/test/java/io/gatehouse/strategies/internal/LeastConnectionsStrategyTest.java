package io.gatehouse.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.Backend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsStrategyTest {

    private final LeastConnectionsStrategy strategy = new LeastConnectionsStrategy();
    private final TestExchange exchange = new TestExchange("192.0.2.1");

    @Test
    void picksTheLeastLoaded() {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend c = new TestBackend("c");
        a.active.set(5);
        b.active.set(2);
        c.active.set(7);
        List<Backend> candidates = List.of(a, b, c);
        for (int i = 0; i < 100; i++) {
            assertSame(b, strategy.select(candidates, exchange));
        }
    }

    @Test
    void comparesLoadRelativeToWeightAsNginxDoes() {
        TestBackend heavy = new TestBackend("heavy", 4); // 6 active / weight 4 = 1.5
        TestBackend light = new TestBackend("light", 1); // 2 active / weight 1 = 2
        heavy.active.set(6);
        light.active.set(2);
        assertSame(heavy, strategy.select(List.of(light, heavy), exchange));
    }

    @Test
    void tiesAreSharedByWeightedRoundRobin() {
        List<Backend> candidates = List.of(new TestBackend("a", 5), new TestBackend("b", 1), new TestBackend("c", 1));
        Map<String, Integer> counts = new HashMap<>();
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < 700; i++) {
            String id = strategy.select(candidates, exchange).id();
            counts.merge(id, 1, Integer::sum);
            if (i < 7) {
                first.append(id);
            }
        }
        assertEquals(Map.of("a", 500, "b", 100, "c", 100), counts);
        assertEquals("aabacaa", first.toString());
    }

    @Test
    void tiesAmongASubsetGoOnlyToThatSubset() {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend c = new TestBackend("c");
        b.active.set(3);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(strategy.select(List.of(a, b, c), exchange).id(), 1, Integer::sum);
        }
        assertEquals(null, counts.get("b"));
        assertTrue(counts.get("a") > 300 && counts.get("c") > 300, counts.toString());
    }

    @Test
    void balancesRealLoadUnderConcurrentSelect() throws Exception {
        List<Backend> candidates = List.of(new TestBackend("a"), new TestBackend("b"), new TestBackend("c"));
        Map<String, Long> counts = Concurrently.select(strategy, candidates, 8, 20_000, true);
        assertEquals(160_000L, counts.values().stream().mapToLong(Long::longValue).sum());
        for (long n : counts.values()) {
            assertTrue(n > 160_000 / 3 / 2, counts.toString());
        }
        for (Backend b : candidates) {
            assertEquals(0, b.activeRequests());
        }
    }
}
