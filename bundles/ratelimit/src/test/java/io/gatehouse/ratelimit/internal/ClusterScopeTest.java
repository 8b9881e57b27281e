package io.gatehouse.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.cluster.ClusterUnavailableException;
import io.gatehouse.api.cluster.SharedCounters;
import io.gatehouse.tools.exchange.TestExchange;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two gateways (two filters, each with its own zones and clock) sharing one zone with scope = cluster. The shared
 * store stands in for gatehouse-membership's Hazelcast-backed service.
 */
class ClusterScopeTest {

    private static final Map<String, Object> LOGIN = Map.of("paths", "/api/auth/login", "methods", "POST",
            "rate", "5r/m", "burst", 4, "nodelay", true, "scope", "cluster");

    private final AtomicLong clusterClock = new AtomicLong(1_700_000_000_000L);
    private final InMemoryCounters shared = new InMemoryCounters(clusterClock);

    private LimitReqFilter gateway(long localClockStart, Map<String, Object> zone) {
        AtomicLong local = new AtomicLong(localClockStart);
        ZoneRegistry registry = new ZoneRegistry(local::get, false);
        registry.add(new Zone(Configs.zone("login", zone)));
        LimitReqFilter filter = new LimitReqFilter(registry);
        filter.counters = shared;
        return filter;
    }

    private static boolean login(LimitReqFilter gateway) {
        return !gateway.filter(new TestExchange("POST", "/api/auth/login", "10.0.0.7")).isRejection();
    }

    private static int admitted(LimitReqFilter one, LimitReqFilter two, int attemptsEach) {
        int admitted = 0;
        for (int i = 0; i < attemptsEach; i++) {
            admitted += login(one) ? 1 : 0;
            admitted += login(two) ? 1 : 0;
        }
        return admitted;
    }

    @Test
    void twoGatewaysShareOneLimit() {
        LimitReqFilter one = gateway(5_000, LOGIN);
        LimitReqFilter two = gateway(987_654, LOGIN);  // local clocks differ: only the cluster clock counts
        assertEquals(5, admitted(one, two, 5), "5/min with burst 4 admits 5 logins in total, not 5 per gateway");
        clusterClock.addAndGet(13_000);  // a little over one request drains in 13 s at 5r/m
        assertTrue(login(two));
        assertFalse(login(one));
    }

    @Test
    void localScopeIsPerGateway() {
        Map<String, Object> local = new java.util.HashMap<>(LOGIN);
        local.put("scope", "local");
        assertEquals(10, admitted(gateway(0, local), gateway(0, local), 5));
    }

    @Test
    void unavailableClusterFallsBackToLocalLimits() {
        LimitReqFilter one = gateway(0, LOGIN);
        LimitReqFilter two = gateway(0, LOGIN);
        shared.available = false;
        assertEquals(10, admitted(one, two, 5), "during a partition each gateway enforces the limit on its own");
        shared.available = true;
        assertEquals(5, admitted(gateway(0, LOGIN), gateway(0, LOGIN), 5));
    }

    @Test
    void withoutMembershipTheZoneLimitsLocally() {
        LimitReqFilter alone = gateway(0, LOGIN);
        alone.counters = null;
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += login(alone) ? 1 : 0;
        }
        assertEquals(5, admitted);
    }

    @Test
    void badScopeIsRefusedByName() {
        Map<String, Object> bad = new java.util.HashMap<>(LOGIN);
        bad.put("scope", "global");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Configs.zone("login", bad));
        assertTrue(e.getMessage().contains("scope 'global' must be local or cluster"), e.getMessage());
    }

    /** Compare-and-set over a map, as the SharedCounters contract says. */
    private static final class InMemoryCounters implements SharedCounters {

        private final ConcurrentHashMap<String, long[]> values = new ConcurrentHashMap<>();
        private final AtomicLong clock;
        volatile boolean available = true;

        InMemoryCounters(AtomicLong clock) {
            this.clock = clock;
        }

        @Override
        public boolean available() {
            return available;
        }

        @Override
        public long clusterTimeMillis() {
            return clock.get();
        }

        @Override
        public Optional<long[]> get(String zone, String key) {
            requireAvailable();
            return Optional.ofNullable(values.get(zone + "/" + key)).map(long[]::clone);
        }

        @Override
        public synchronized boolean compareAndSet(String zone, String key, long[] expected, long[] update,
                Duration ttl) {
            requireAvailable();
            long[] current = values.get(zone + "/" + key);
            if (expected == null ? current != null : !Arrays.equals(expected, current)) {
                return false;
            }
            values.put(zone + "/" + key, update.clone());
            return true;
        }

        private void requireAvailable() {
            if (!available) {
                throw new ClusterUnavailableException("partitioned");
            }
        }
    }
}
