package io.gatehouse.balancer.internal;

import com.codahale.metrics.Gauge;
import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.Lease;
import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.metrics.MetricNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend registry and the request path. Changes (add, remove, drain, health) rebuild the candidate lists under a
 * lock, copy-on-write; {@link #acquire} reads them with one volatile read, lets the active strategy choose, and takes
 * a connection slot with a CAS, so a backend at {@code max_conns} is never over-committed.
 */
final class BackendPool {

    private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);

    private final LongSupplier clock;
    private final StrategyCatalog strategies;
    private final MetricsBinding metrics;
    private final Map<String, ManagedBackend> byId = new LinkedHashMap<>();
    private volatile List<ManagedBackend> all = List.of();
    private volatile Candidates candidates = Candidates.NONE;
    private final AtomicLong strategyErrors = new AtomicLong();

    BackendPool(LongSupplier clock, StrategyCatalog strategies, MetricsBinding metrics) {
        this.clock = clock;
        this.strategies = strategies;
        this.metrics = metrics;
    }

    Optional<Lease> acquire(Exchange exchange, Set<String> excluded) {
        Candidates c = candidates;
        if (clock.getAsLong() >= c.validUntil()) {
            c = refresh(c);
        }
        Set<String> skip = excluded == null ? Set.of() : excluded;
        List<Backend> list = usable(c.primaries(), skip, c.limited());
        boolean primaries = true;
        while (true) {
            if (list.isEmpty()) {
                if (!primaries) {
                    return Optional.empty();
                }
                primaries = false;
                list = usable(c.backups(), skip, c.limited());
                continue;
            }
            StrategyCatalog.Active strategy = strategies.active();
            ManagedBackend chosen = select(strategy, list, exchange);
            if (chosen.tryAcquire()) {
                strategy.selections().inc();
                return Optional.of(new BackendLease(chosen, this));
            }
            list = without(list, chosen); // reached max_conns since the list was filtered
        }
    }

    private ManagedBackend select(StrategyCatalog.Active strategy, List<Backend> list, Exchange exchange) {
        Backend chosen;
        try {
            chosen = strategy.strategy().select(list, exchange);
        } catch (RuntimeException e) {
            logStrategyError(strategy.name(), "threw " + e, e);
            return (ManagedBackend) list.get(0);
        }
        for (int i = 0, n = list.size(); i < n; i++) {
            if (list.get(i) == chosen) {
                return (ManagedBackend) chosen;
            }
        }
        logStrategyError(strategy.name(), "returned " + chosen + ", which was not a candidate", null);
        return (ManagedBackend) list.get(0);
    }

    private void logStrategyError(String name, String what, Throwable e) {
        long n = strategyErrors.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th... so a broken strategy cannot flood the log
            LOG.error("Balancing strategy {} {}; used the first candidate instead ({} such errors so far)", name, what,
                    n, e);
        }
    }

    /** {@code list} minus excluded backends and those at their limit; the same instance when nothing is removed. */
    private static List<Backend> usable(List<Backend> list, Set<String> excluded, boolean limited) {
        if (list.isEmpty() || (excluded.isEmpty() && !limited)) {
            return list;
        }
        List<Backend> kept = null;
        for (int i = 0, n = list.size(); i < n; i++) {
            ManagedBackend b = (ManagedBackend) list.get(i);
            boolean skip = b.atLimit() || (!excluded.isEmpty() && excluded.contains(b.id()));
            if (skip && kept == null) {
                kept = new ArrayList<>(list.subList(0, i));
            } else if (!skip && kept != null) {
                kept.add(b);
            }
        }
        return kept == null ? list : kept;
    }

    private static List<Backend> without(List<Backend> list, Backend gone) {
        List<Backend> kept = new ArrayList<>(list.size());
        for (Backend b : list) {
            if (b != gone) {
                kept.add(b);
            }
        }
        return kept;
    }

    void failed(ManagedBackend backend, Throwable cause) {
        if (backend.failed()) {
            PassivePolicy p = backend.definition().policy();
            LOG.warn("Backend {} temporarily unavailable for {} after {} failure(s) within {}; last: {}", backend.id(),
                    Durations.format(p.failTimeoutNanos()), p.maxFails(), Durations.format(p.failTimeoutNanos()),
                    String.valueOf(cause));
            rebuild();
        }
    }

    void checked(ManagedBackend backend, boolean passed, int healthyThreshold, int unhealthyThreshold) {
        if (backend.checked(passed, healthyThreshold, unhealthyThreshold)) {
            if (passed) {
                LOG.info("Backend {} passed {} health check(s) in a row: back in rotation", backend.id(),
                        healthyThreshold);
            } else {
                LOG.warn("Backend {} failed {} health check(s) in a row: out of rotation", backend.id(),
                        unhealthyThreshold);
            }
            rebuild();
        }
    }

    List<ManagedBackend> managed() {
        return all;
    }

    List<Backend> backends() {
        return List.copyOf(all);
    }

    synchronized ManagedBackend find(String id) {
        return byId.get(id);
    }

    /** Adds a backend or redefines the one with the same id, keeping its counters and in-flight requests. */
    synchronized void add(BackendDefinition definition, String source) {
        put(definition, source);
        publish();
    }

    /** Adds a backend unless one with the same id is there; the look and the add are one step. */
    synchronized boolean addIfAbsent(BackendDefinition definition, String source) {
        if (byId.containsKey(definition.id())) {
            return false;
        }
        put(definition, source);
        publish();
        return true;
    }

    /** Removes a backend only if {@code source} declared it; the look and the removal are one step. */
    synchronized boolean removeIfFrom(String id, String source) {
        ManagedBackend b = byId.get(id);
        if (b == null || !b.source().equals(source)) {
            return false;
        }
        return remove(id);
    }

    synchronized boolean remove(String id) {
        if (!delete(id)) {
            return false;
        }
        publish();
        return true;
    }

    /**
     * Makes the backends from {@code source} exactly {@code definitions}; other sources' backends stay. Requests see
     * the old set or the new one, never a set in between.
     */
    synchronized void replaceSource(String source, List<BackendDefinition> definitions) {
        Set<String> keep = new java.util.HashSet<>();
        for (BackendDefinition d : definitions) {
            keep.add(d.id());
        }
        for (ManagedBackend b : List.copyOf(byId.values())) {
            if (b.source().equals(source) && !keep.contains(b.id())) {
                delete(b.id());
            }
        }
        for (BackendDefinition d : definitions) {
            put(d, source);
        }
        publish();
    }

    private void put(BackendDefinition definition, String source) {
        ManagedBackend existing = byId.get(definition.id());
        if (existing != null) {
            existing.redefine(definition, source);
        } else {
            ManagedBackend b = new ManagedBackend(definition, source, clock);
            byId.put(b.id(), b);
            registerMetrics(b);
            LOG.info("Backend {} added ({}, from {})", b.id(), definition.spec(), source);
        }
    }

    private boolean delete(String id) {
        ManagedBackend b = byId.remove(id);
        if (b == null) {
            return false;
        }
        unregisterMetrics(b);
        LOG.info("Backend {} removed; {} request(s) in flight finish on it", id, b.activeRequests());
        return true;
    }

    synchronized boolean drain(String id) {
        ManagedBackend b = byId.get(id);
        if (b == null) {
            return false;
        }
        if (b.drain()) {
            LOG.info("Backend {} draining: no new requests, {} in flight finish", id, b.activeRequests());
            rebuild();
        }
        return true;
    }

    synchronized boolean enable(String id) {
        ManagedBackend b = byId.get(id);
        if (b == null) {
            return false;
        }
        if (b.enable()) {
            LOG.info("Backend {} enabled", id);
            rebuild();
        }
        return true;
    }

    synchronized void clear() {
        for (ManagedBackend b : List.copyOf(byId.values())) {
            unregisterMetrics(b);
        }
        byId.clear();
        publish();
    }

    private void publish() {
        all = List.copyOf(byId.values());
        rebuild();
    }

    /** Called when a passively-down backend's time is up: one thread rebuilds, the others take its result. */
    private synchronized Candidates refresh(Candidates seen) {
        Candidates current = candidates;
        if (current != seen && clock.getAsLong() < current.validUntil()) {
            return current;
        }
        return rebuild();
    }

    /** Recomputes the candidate lists, keeping the previous list instances when their content is unchanged. */
    synchronized Candidates rebuild() {
        long now = clock.getAsLong();
        List<Backend> primaries = new ArrayList<>();
        List<Backend> backups = new ArrayList<>();
        boolean limited = false;
        long validUntil = Long.MAX_VALUE;
        for (ManagedBackend b : all) {
            limited |= b.maxConnections() > 0;
            long down = b.downUntil();
            if (down > now) {
                validUntil = Math.min(validUntil, down);
            }
            if (b.eligibleAt(now)) {
                (b.backup() ? backups : primaries).add(b);
            }
        }
        Candidates previous = candidates;
        Candidates next = new Candidates(same(previous.primaries(), primaries), same(previous.backups(), backups),
                limited, validUntil);
        candidates = next;
        return next;
    }

    private static List<Backend> same(List<Backend> previous, List<Backend> computed) {
        return previous.equals(computed) ? previous : List.copyOf(computed);
    }

    private void registerMetrics(ManagedBackend b) {
        String id = b.id();
        metrics.add(MetricNames.name("gatehouse.backend.requests", "backend", id), b.requests);
        metrics.add(MetricNames.name("gatehouse.backend.failures", "backend", id), b.failures);
        metrics.add(MetricNames.name("gatehouse.backend.latency", "backend", id), b.latency);
        metrics.add(MetricNames.name("gatehouse.backend.active", "backend", id), (Gauge<Integer>) b::activeRequests);
        metrics.add(MetricNames.name("gatehouse.backend.latency.ewma.seconds", "backend", id),
                (Gauge<Double>) () -> b.latencyEwmaNanos() / (double) TimeUnit.SECONDS.toNanos(1));
        metrics.add(MetricNames.name("gatehouse.backend.up", "backend", id),
                (Gauge<Integer>) () -> b.eligibleAt(clock.getAsLong()) ? 1 : 0);
    }

    private void unregisterMetrics(ManagedBackend b) {
        String id = b.id();
        for (String base : List.of("gatehouse.backend.requests", "gatehouse.backend.failures",
                "gatehouse.backend.latency", "gatehouse.backend.active", "gatehouse.backend.latency.ewma.seconds",
                "gatehouse.backend.up")) {
            metrics.remove(MetricNames.name(base, "backend", id));
        }
    }
}
