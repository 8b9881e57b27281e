package io.gatehouse.balancer.internal;

import com.codahale.metrics.Counter;
import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.metrics.MetricNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The strategy services available now, by name, and the one in use: the configured name when such a service exists,
 * else {@value #DEFAULT}, else a built-in round-robin so requests keep flowing while the strategies bundle is being
 * updated. Swapping is one volatile write; a request holds the strategy it read.
 */
final class StrategyCatalog {

    static final String DEFAULT = "least-conn";
    static final String BUILT_IN = "built-in-round-robin";

    private static final Logger LOG = LoggerFactory.getLogger(StrategyCatalog.class);

    /** The strategy in use and its selection counter. */
    record Active(String name, BalancingStrategy strategy, Counter selections) {
    }

    private final Map<String, List<BalancingStrategy>> byName = new ConcurrentHashMap<>();
    private final Map<String, Counter> selections = new ConcurrentHashMap<>();
    private final MetricsBinding metrics;
    private volatile String desired = DEFAULT;
    private volatile Active active;
    private volatile boolean closed;

    StrategyCatalog(MetricsBinding metrics) {
        this.metrics = metrics;
        this.active = new Active(BUILT_IN, new BuiltInRoundRobin(), counter(BUILT_IN));
    }

    Active active() {
        return active;
    }

    String desired() {
        return desired;
    }

    Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    }

    boolean available(String name) {
        return byName.containsKey(name);
    }

    synchronized void add(String name, BalancingStrategy strategy) {
        byName.compute(name, (k, list) -> {
            List<BalancingStrategy> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
            next.add(strategy);
            return List.copyOf(next);
        });
        resolve();
    }

    synchronized void remove(String name, BalancingStrategy strategy) {
        byName.computeIfPresent(name, (k, list) -> {
            List<BalancingStrategy> next = new ArrayList<>(list);
            next.remove(strategy);
            return next.isEmpty() ? null : List.copyOf(next);
        });
        resolve();
    }

    synchronized void desire(String name) {
        desired = name == null || name.isBlank() ? DEFAULT : name.trim();
        resolve();
    }

    /** The balancer is going away: the strategies it is unbound from next are not news worth a warning. */
    void close() {
        closed = true;
    }

    private void resolve() {
        if (closed) {
            return;
        }
        String name = available(desired) ? desired : available(DEFAULT) ? DEFAULT : BUILT_IN;
        BalancingStrategy strategy = name.equals(BUILT_IN) ? active.name().equals(BUILT_IN) ? active.strategy()
                : new BuiltInRoundRobin() : byName.get(name).get(0);
        if (strategy == active.strategy()) {
            return;
        }
        Active previous = active;
        active = new Active(name, strategy, counter(name));
        if (name.equals(desired)) {
            LOG.info("Balancing strategy is now {} (was {})", name, previous.name());
        } else if (byName.isEmpty()) {
            LOG.info("No balancing strategy service registered yet; using {} until '{}' is", name, desired);
        } else {
            LOG.warn("Balancing strategy '{}' is not available (available: {}); using {} until it is", desired,
                    names().isEmpty() ? "none" : String.join(", ", names()), name);
        }
    }

    private Counter counter(String name) {
        return selections.computeIfAbsent(name, n -> {
            Counter c = new Counter();
            metrics.add(MetricNames.name("gatehouse.balancer.selections", "strategy", n), c);
            return c;
        });
    }

    /** Keeps traffic flowing when no strategy service is present at all. */
    static final class BuiltInRoundRobin implements BalancingStrategy {

        private final AtomicLong cursor = new AtomicLong();

        @Override
        public Backend select(List<Backend> candidates, Exchange exchange) {
            return candidates.get((int) ((cursor.getAndIncrement() & Long.MAX_VALUE) % candidates.size()));
        }
    }
}
