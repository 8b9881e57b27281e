package io.gatehouse.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.api.balancer.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest {

    @Test
    void cyclesThroughCandidatesIgnoringWeight() {
        List<Backend> c = List.of(new TestBackend("a", 5), new TestBackend("b"), new TestBackend("c"));
        RoundRobinStrategy s = new RoundRobinStrategy();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(s.select(c, new TestExchange("x")).id());
        }
        assertEquals("abcabc", sb.toString());
    }

    @Test
    void equalSharesUnderConcurrentSelect() throws Exception {
        List<Backend> c = List.of(new TestBackend("a"), new TestBackend("b"), new TestBackend("c"), new TestBackend("d"));
        Map<String, Long> counts = Concurrently.select(new RoundRobinStrategy(), c, 8, 10_000, false);
        assertEquals(Map.of("a", 20_000L, "b", 20_000L, "c", 20_000L, "d", 20_000L), counts);
    }
}
