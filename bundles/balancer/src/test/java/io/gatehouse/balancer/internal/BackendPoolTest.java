package io.gatehouse.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.balancer.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackendPoolTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final PassivePolicy DEFAULTS = new PassivePolicy(1, 10 * SECOND, 0);

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final MetricsBinding metrics = new MetricsBinding();
    private final StrategyCatalog strategies = new StrategyCatalog(metrics);
    private final BackendPool pool = new BackendPool(now::get, strategies, metrics);

    private void add(String entry) {
        pool.add(BackendDefinition.parse(entry, DEFAULTS), "config");
    }

    private Lease acquire(Set<String> excluded) {
        return pool.acquire(null, excluded).orElseThrow();
    }

    private String pick() {
        Lease lease = acquire(Set.of());
        lease.succeeded(200, 1_000);
        return lease.backend().id();
    }

    private ManagedBackend backend(String id) {
        return pool.find(id);
    }

    @Test
    void addIfAbsentLeavesAnotherSourcesBackendExactlyAsItWas() {
        add("127.0.0.1:1 weight=3");
        assertFalse(pool.addIfAbsent(BackendDefinition.parse("127.0.0.1:1", DEFAULTS), "cluster"));
        assertEquals("config", backend("127.0.0.1:1").source());
        assertEquals(3, backend("127.0.0.1:1").weight());
        assertTrue(pool.addIfAbsent(BackendDefinition.parse("127.0.0.1:2", DEFAULTS), "cluster"));
        assertEquals("cluster", backend("127.0.0.1:2").source());
        assertEquals(2, pool.backends().size());
        assertFalse(pool.removeIfFrom("127.0.0.1:1", "cluster"), "the configuration's backend stays");
        assertFalse(pool.removeIfFrom("127.0.0.1:3", "cluster"), "no such backend");
        assertTrue(pool.removeIfFrom("127.0.0.1:2", "cluster"));
        assertEquals(List.of("127.0.0.1:1"), pool.backends().stream().map(Backend::id).toList());
    }

    @Test
    void leaseCountsActiveUntilReleasedOnce() {
        add("127.0.0.1:1");
        Lease lease = acquire(Set.of());
        assertEquals(1, lease.backend().activeRequests());
        lease.succeeded(200, 5_000_000);
        lease.succeeded(200, 5_000_000);
        lease.failed(new RuntimeException("late"));
        assertEquals(0, lease.backend().activeRequests());
        assertEquals(1, lease.backend().totalRequests());
        assertEquals(0, lease.backend().totalFailures());
        assertEquals(5_000_000, lease.backend().latencyEwmaNanos());
    }

    @Test
    void excludedBackendsAreSkippedAndNothingLeftIsEmpty() {
        add("127.0.0.1:1");
        add("127.0.0.1:2");
        for (int i = 0; i < 10; i++) {
            assertEquals("127.0.0.1:2", acquire(Set.of("127.0.0.1:1")).backend().id());
        }
        assertTrue(pool.acquire(null, Set.of("127.0.0.1:1", "127.0.0.1:2")).isEmpty());
    }

    @Test
    void backupsOnlyWhenNoPrimaryIsEligible() {
        add("127.0.0.1:1");
        add("127.0.0.1:9 backup");
        for (int i = 0; i < 10; i++) {
            assertEquals("127.0.0.1:1", pick());
        }
        assertEquals("127.0.0.1:9", acquire(Set.of("127.0.0.1:1")).backend().id());
        pool.drain("127.0.0.1:1");
        assertEquals("127.0.0.1:9", pick());
        pool.enable("127.0.0.1:1");
        assertEquals("127.0.0.1:1", pick());
    }

    @Test
    void backendAtMaxConnsIsNotACandidate() {
        add("127.0.0.1:1 max_conns=2");
        add("127.0.0.1:2 backup");
        Lease a = acquire(Set.of());
        Lease b = acquire(Set.of());
        assertEquals("127.0.0.1:1", a.backend().id());
        assertEquals("127.0.0.1:1", b.backend().id());
        assertEquals("127.0.0.1:2", acquire(Set.of()).backend().id());
        a.succeeded(200, 1);
        assertEquals("127.0.0.1:1", acquire(Set.of()).backend().id());
    }

    @Test
    void maxFailsWithinFailTimeoutMakesUnavailableForFailTimeout() {
        add("127.0.0.1:1 max_fails=3 fail_timeout=10s");
        add("127.0.0.1:2");
        ManagedBackend one = backend("127.0.0.1:1");
        failOn(one);
        now.addAndGet(2 * SECOND);
        succeedOn(one); // a success inside the window does not reset the count (as in NGINX)
        failOn(one);
        assertEquals(BackendState.UP, one.state());
        now.addAndGet(2 * SECOND);
        failOn(one);
        assertEquals(BackendState.DOWN, one.state());
        for (int i = 0; i < 20; i++) {
            assertEquals("127.0.0.1:2", pick());
        }
        now.addAndGet(10 * SECOND - 1);
        assertEquals(BackendState.DOWN, one.state());
        now.addAndGet(1);
        assertEquals(BackendState.UP, one.state());
        Lease trial = acquire(Set.of("127.0.0.1:2"));
        assertEquals("127.0.0.1:1", trial.backend().id(), "eligible again after fail_timeout");
        // the trial after fail_timeout fails: unavailable again at once
        trial.failed(new java.net.ConnectException("refused"));
        assertEquals(BackendState.DOWN, one.state());
        now.addAndGet(10 * SECOND);
        succeedOn(one);
        failOn(one); // count was reset by the successful trial: one failure is not enough
        assertEquals(BackendState.UP, one.state());
    }

    @Test
    void failuresFurtherApartThanFailTimeoutDoNotAddUp() {
        add("127.0.0.1:1 max_fails=2 fail_timeout=10s");
        ManagedBackend one = backend("127.0.0.1:1");
        failOn(one);
        now.addAndGet(11 * SECOND);
        failOn(one);
        assertEquals(BackendState.UP, one.state());
        now.addAndGet(SECOND);
        failOn(one);
        assertEquals(BackendState.DOWN, one.state());
    }

    @Test
    void maxFailsZeroDisablesPassiveHealth() {
        add("127.0.0.1:1 max_fails=0");
        ManagedBackend one = backend("127.0.0.1:1");
        for (int i = 0; i < 100; i++) {
            failOn(one);
        }
        assertEquals(BackendState.UP, one.state());
        assertEquals(100, one.totalFailures());
    }

    @Test
    void activeHealthThresholds() {
        add("127.0.0.1:1 slow_start=10s weight=10");
        ManagedBackend one = backend("127.0.0.1:1");
        pool.checked(one, false, 2, 3);
        pool.checked(one, false, 2, 3);
        assertEquals(BackendState.UP, one.state());
        pool.checked(one, false, 2, 3);
        assertEquals(BackendState.DOWN, one.state());
        assertTrue(pool.acquire(null, Set.of()).isEmpty());
        pool.checked(one, true, 2, 3);
        assertEquals(BackendState.DOWN, one.state());
        pool.checked(one, true, 2, 3);
        assertEquals(BackendState.SLOW_START, one.state());
        assertEquals(1, one.effectiveWeight());
        now.addAndGet(5 * SECOND);
        assertEquals(5, one.effectiveWeight());
        now.addAndGet(5 * SECOND);
        assertEquals(BackendState.UP, one.state());
        assertEquals(10, one.effectiveWeight());
        assertEquals("127.0.0.1:1", pick());
    }

    @Test
    void passingChecksEndPassiveUnavailabilityEarly() {
        add("127.0.0.1:1 max_fails=1 fail_timeout=60s");
        ManagedBackend one = backend("127.0.0.1:1");
        failOn(one);
        assertEquals(BackendState.DOWN, one.state());
        pool.checked(one, true, 2, 3);
        pool.checked(one, true, 2, 3);
        assertEquals(BackendState.UP, one.state());
        assertEquals("127.0.0.1:1", pick());
    }

    @Test
    void drainStopsNewLeasesWhileInFlightOnesFinish() {
        add("127.0.0.1:1");
        add("127.0.0.1:2");
        Lease held = acquire(Set.of("127.0.0.1:2"));
        assertTrue(pool.drain("127.0.0.1:1"));
        assertEquals(BackendState.DRAINING, backend("127.0.0.1:1").state());
        for (String id : pickAll(20)) {
            assertEquals("127.0.0.1:2", id);
        }
        held.succeeded(200, 1);
        assertEquals(0, held.backend().activeRequests());
        assertFalse(pool.drain("127.0.0.1:99"));
        assertFalse(pool.enable("127.0.0.1:99"));
    }

    @Test
    void removedBackendKeepsItsInFlightLease() {
        add("127.0.0.1:1");
        Lease held = acquire(Set.of());
        assertTrue(pool.remove("127.0.0.1:1"));
        assertTrue(pool.acquire(null, Set.of()).isEmpty());
        held.succeeded(200, 1);
        assertEquals(0, held.backend().activeRequests());
        assertFalse(pool.remove("127.0.0.1:1"));
    }

    @Test
    void replacingConfigKeepsCountersAndOtherSources() {
        add("127.0.0.1:1");
        pool.add(BackendDefinition.parse("127.0.0.1:7", DEFAULTS), "shell");
        pick();
        long before = backend("127.0.0.1:1").totalRequests() + backend("127.0.0.1:7").totalRequests();
        pool.replaceSource("config", List.of(BackendDefinition.parse("127.0.0.1:1 weight=5", DEFAULTS),
                BackendDefinition.parse("127.0.0.1:3", DEFAULTS)));
        List<String> ids = pool.backends().stream().map(Backend::id).toList();
        assertEquals(List.of("127.0.0.1:1", "127.0.0.1:7", "127.0.0.1:3"), ids);
        assertEquals(5, backend("127.0.0.1:1").weight());
        assertEquals(before, backend("127.0.0.1:1").totalRequests() + backend("127.0.0.1:7").totalRequests());
        pool.replaceSource("config", List.of());
        assertEquals(List.of("127.0.0.1:7"), pool.backends().stream().map(Backend::id).toList());
    }

    @Test
    void candidateListInstanceIsStableUntilTheSetChanges() {
        add("127.0.0.1:1");
        add("127.0.0.1:2");
        List<List<Backend>> seen = new ArrayList<>();
        strategies.add("recording", (c, e) -> {
            seen.add(c);
            return c.get(0);
        });
        strategies.desire("recording");
        pick();
        pick();
        assertSame(seen.get(0), seen.get(1));
        add("127.0.0.1:9 backup"); // eligibility of the primaries did not change
        pool.checked(pool.find("127.0.0.1:1"), true, 1, 1);
        pick();
        assertSame(seen.get(0), seen.get(2));
        pool.drain("127.0.0.1:2");
        pick();
        assertEquals(List.of(pool.find("127.0.0.1:1")), seen.get(3));
    }

    @Test
    void brokenStrategyDoesNotFailRequests() {
        add("127.0.0.1:1");
        strategies.add("broken", (c, e) -> {
            throw new IllegalStateException("bug");
        });
        strategies.desire("broken");
        assertEquals("127.0.0.1:1", pick());
        BalancingStrategy foreign = (c, e) -> new ManagedBackend(BackendDefinition.parse("10.0.0.1:1", DEFAULTS),
                "x", now::get);
        strategies.add("foreign", foreign);
        strategies.desire("foreign");
        assertEquals("127.0.0.1:1", pick());
    }

    @Test
    void noBackendsMeansEmpty() {
        Optional<Lease> none = pool.acquire(null, null);
        assertTrue(none.isEmpty());
    }

    private List<String> pickAll(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(pick());
        }
        return ids;
    }

    private void failOn(ManagedBackend b) {
        assertTrue(b.tryAcquire());
        pool.failed(b, new java.net.ConnectException("refused"));
    }

    private void succeedOn(ManagedBackend b) {
        assertTrue(b.tryAcquire());
        b.succeeded(1_000);
    }
}
