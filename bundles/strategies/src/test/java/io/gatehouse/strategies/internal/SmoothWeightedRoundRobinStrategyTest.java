package io.gatehouse.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gatehouse.api.balancer.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinStrategyTest {

    private final TestExchange exchange = new TestExchange("192.0.2.1");

    private static String picks(SmoothWeightedRoundRobinStrategy s, List<Backend> candidates, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(s.select(candidates, new TestExchange("x")).id());
        }
        return sb.toString();
    }

    @Test
    void weights511GiveNginxDocumentedSequence() {
        List<Backend> c = List.of(new TestBackend("a", 5), new TestBackend("b", 1), new TestBackend("c", 1));
        SmoothWeightedRoundRobinStrategy s = new SmoothWeightedRoundRobinStrategy();
        assertEquals("aabacaa" + "aabacaa", picks(s, c, 14));
    }

    @Test
    void sequenceIsNginxAlgorithmForOtherWeights() {
        // weights 4,2,1: the algorithm step by step gives a b a c a b a
        assertEquals(List.of(0, 1, 0, 2, 0, 1, 0), toList(SmoothWeightedSchedule.sequence(new int[] {4, 2, 1})));
        // scaled weights give the same sequence over a longer period
        List<Backend> c = List.of(new TestBackend("a", 10), new TestBackend("b", 2), new TestBackend("c", 2));
        assertEquals("aabacaa", picks(new SmoothWeightedRoundRobinStrategy(), c, 7));
    }

    @Test
    void followsEffectiveWeightDuringSlowStart() {
        TestBackend a = new TestBackend("a", 1);
        TestBackend b = new TestBackend("b", 3);
        b.effectiveWeight = 1;
        List<Backend> c = List.of(a, b);
        SmoothWeightedRoundRobinStrategy s = new SmoothWeightedRoundRobinStrategy();
        assertEquals("abab", picks(s, c, 4));
        b.effectiveWeight = 3;
        String ramped = picks(s, c, 8);
        assertEquals(6, ramped.chars().filter(ch -> ch == 'b').count(), ramped);
    }

    @Test
    void exactSharesUnderConcurrentSelect() throws Exception {
        List<Backend> c = List.of(new TestBackend("a", 5), new TestBackend("b", 1), new TestBackend("c", 1));
        Map<String, Long> counts = Concurrently.select(new SmoothWeightedRoundRobinStrategy(), c, 8, 7_000, false);
        assertEquals(Map.of("a", 40_000L, "b", 8_000L, "c", 8_000L), counts);
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    @Test
    void singleCandidateIsReturned() {
        TestBackend only = new TestBackend("only", 3);
        assertEquals(only, new SmoothWeightedRoundRobinStrategy().select(List.of(only), exchange));
    }
}
