package io.gatehouse.strategies.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.Backend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsistentHashStrategyTest {

    private static final int KEYS = 20_000;

    private static List<Backend> backends(int n) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new TestBackend("10.1.0." + i + ":8080"));
        }
        return List.copyOf(list);
    }

    private static Map<String, String> assign(ConsistentHashStrategy s, List<Backend> candidates) {
        Map<String, String> owners = new HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            String client = "198." + (k >> 16 & 255) + "." + (k >> 8 & 255) + "." + (k & 255);
            owners.put(client, s.select(candidates, new TestExchange(client)).id());
        }
        return owners;
    }

    @Test
    void sameClientSameBackend() {
        ConsistentHashStrategy s = new ConsistentHashStrategy();
        List<Backend> c = backends(4);
        Backend first = s.select(c, new TestExchange("203.0.113.7"));
        for (int i = 0; i < 50; i++) {
            assertSame(first, s.select(c, new TestExchange("203.0.113.7")));
        }
        // an equal list in another instance (a filtered retry list) maps the same way
        assertSame(first, s.select(new ArrayList<>(c), new TestExchange("203.0.113.7")));
    }

    @Test
    void spreadsKeysEvenly() {
        int n = 5;
        Map<String, Long> counts = new HashMap<>();
        assign(new ConsistentHashStrategy(), backends(n)).values().forEach(id -> counts.merge(id, 1L, Long::sum));
        assertEquals(n, counts.size());
        for (long c : counts.values()) {
            assertTrue(Math.abs(c - KEYS / n) < KEYS / n * 0.25, "uneven spread: " + counts);
        }
    }

    @Test
    void removingABackendMovesOnlyItsKeys() {
        int n = 5;
        ConsistentHashStrategy s = new ConsistentHashStrategy();
        List<Backend> all = backends(n);
        Map<String, String> before = assign(s, all);
        Backend leaving = all.get(2);
        List<Backend> rest = new ArrayList<>(all);
        rest.remove(leaving);
        Map<String, String> after = assign(s, List.copyOf(rest));
        int moved = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (!e.getValue().equals(after.get(e.getKey()))) {
                moved++;
                assertEquals(leaving.id(), e.getValue(), "a key of a remaining backend moved: " + e.getKey());
            }
        }
        double fraction = moved / (double) KEYS;
        assertTrue(fraction <= 1.0 / n + 0.05, "moved " + fraction);
        assertTrue(fraction > 0, "the leaving backend owned no key");
    }

    @Test
    void addingABackendMovesKeysOnlyToIt() {
        ConsistentHashStrategy s = new ConsistentHashStrategy();
        List<Backend> four = backends(4);
        List<Backend> five = new ArrayList<>(four);
        five.add(new TestBackend("10.1.0.99:8080"));
        Map<String, String> before = assign(s, four);
        Map<String, String> after = assign(s, List.copyOf(five));
        int moved = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (!e.getValue().equals(after.get(e.getKey()))) {
                moved++;
                assertEquals("10.1.0.99:8080", after.get(e.getKey()));
            }
        }
        assertTrue(moved / (double) KEYS <= 1.0 / 5 + 0.05, "moved " + moved);
    }

    @Test
    void deterministicUnderConcurrentSelect() throws Exception {
        ConsistentHashStrategy s = new ConsistentHashStrategy();
        List<Backend> c = backends(3);
        Map<String, String> expected = new HashMap<>();
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 250; i++) {
                String client = "10.0." + t + "." + i;
                expected.put(client, s.select(c, new TestExchange(client)).id());
            }
        }
        Map<String, Long> counts = Concurrently.select(s, c, 8, 5_000, false);
        Map<String, Long> expectedCounts = new HashMap<>();
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 5_000; i++) {
                expectedCounts.merge(expected.get("10.0." + t + "." + (i % 250)), 1L, Long::sum);
            }
        }
        assertEquals(expectedCounts, counts);
    }
}
