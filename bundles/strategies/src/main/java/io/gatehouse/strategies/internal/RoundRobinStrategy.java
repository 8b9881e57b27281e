package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/** {@code round-robin}: each candidate in turn, ignoring weights. */
@Component(service = BalancingStrategy.class, property = BalancingStrategy.NAME + "=" + RoundRobinStrategy.NAME)
public final class RoundRobinStrategy implements BalancingStrategy {

    public static final String NAME = "round-robin";

    private final AtomicLong cursor = new AtomicLong();

    @Override
    public Backend select(List<Backend> candidates, Exchange exchange) {
        int n = candidates.size();
        return n == 1 ? candidates.get(0) : candidates.get((int) ((cursor.getAndIncrement() & Long.MAX_VALUE) % n));
    }
}
