package io.gatehouse.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.Backend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerOfTwoEwmaStrategyTest {

    private final PowerOfTwoEwmaStrategy strategy = new PowerOfTwoEwmaStrategy();
    private final TestExchange exchange = new TestExchange("192.0.2.1");

    @Test
    void prefersTheFasterOfTwo() {
        TestBackend fast = new TestBackend("fast");
        TestBackend slow = new TestBackend("slow");
        fast.ewma = 1_000_000;
        slow.ewma = 50_000_000;
        for (int i = 0; i < 200; i++) {
            assertSame(fast, strategy.select(List.of(slow, fast), exchange));
        }
    }

    @Test
    void loadCountsAgainstLatency() {
        TestBackend busy = new TestBackend("busy");
        TestBackend idle = new TestBackend("idle");
        busy.ewma = 1_000_000;
        idle.ewma = 3_000_000;
        busy.active.set(9); // 1 ms x 10 > 3 ms x 1
        assertSame(idle, strategy.select(List.of(busy, idle), exchange));
    }

    @Test
    void theWorstOfThreeIsNeverPickedAndTheOthersShare() {
        TestBackend a = new TestBackend("a");
        TestBackend b = new TestBackend("b");
        TestBackend worst = new TestBackend("worst");
        a.ewma = 1_000_000;
        b.ewma = 2_000_000;
        worst.ewma = 80_000_000;
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(strategy.select(List.of(a, b, worst), exchange).id(), 1, Integer::sum);
        }
        assertEquals(null, counts.get("worst"));
        // a wins when drawn (2 of 3 pairs), b only against worst (1 of 3)
        assertTrue(counts.get("a") > counts.get("b"), counts.toString());
        assertTrue(counts.get("b") > 600, counts.toString());
    }

    @Test
    void withoutLatencySamplesComparesLoad() {
        TestBackend fresh = new TestBackend("fresh");
        TestBackend known = new TestBackend("known");
        known.ewma = 5_000_000;
        fresh.active.set(4);
        assertSame(known, strategy.select(List.of(fresh, known), exchange));
    }

    @Test
    void neverPicksOutsideCandidatesUnderConcurrentSelect() throws Exception {
        List<Backend> c = List.of(new TestBackend("a"), new TestBackend("b"), new TestBackend("c"));
        Map<String, Long> counts = Concurrently.select(strategy, c, 8, 20_000, true);
        assertEquals(160_000L, counts.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(3, counts.size());
    }
}
