package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * {@code weighted-round-robin}: NGINX's smooth weighted round-robin (weights 5, 1, 1 give a a b a c a a), over the
 * backends' effective weights so slow start ramps a recovered backend in.
 */
@Component(service = BalancingStrategy.class, property = BalancingStrategy.NAME + "=" + SmoothWeightedRoundRobinStrategy.NAME)
public final class SmoothWeightedRoundRobinStrategy implements BalancingStrategy {

    public static final String NAME = "weighted-round-robin";

    private final ScheduleCache schedules = new ScheduleCache();
    private final AtomicLong cursor = new AtomicLong();

    @Override
    public Backend select(List<Backend> candidates, Exchange exchange) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        return schedules.scheduleFor(candidates).at(cursor.getAndIncrement() & Long.MAX_VALUE);
    }
}
