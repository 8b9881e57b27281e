package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * {@code least-conn}, as NGINX's {@code least_conn}: the backend with the fewest active requests relative to its
 * weight ({@code active / effectiveWeight}, compared by cross-multiplication); ties are broken by smooth weighted
 * round-robin among the tied backends.
 */
@Component(service = BalancingStrategy.class, property = BalancingStrategy.NAME + "=" + LeastConnectionsStrategy.NAME)
public final class LeastConnectionsStrategy implements BalancingStrategy {

    public static final String NAME = "least-conn";

    private final ScheduleCache schedules = new ScheduleCache();
    private final AtomicLong cursor = new AtomicLong();

    @Override
    public Backend select(List<Backend> candidates, Exchange exchange) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        Backend best = null;
        long bestActive = 0;
        long bestWeight = 1;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            Backend b = candidates.get(i);
            long active = b.activeRequests();
            long weight = Math.max(1, b.effectiveWeight());
            if (best == null || active * bestWeight < bestActive * weight) {
                best = b;
                bestActive = active;
                bestWeight = weight;
                ties = 1;
            } else if (active * bestWeight == bestActive * weight) {
                ties++;
            }
        }
        if (ties == 1) {
            return best;
        }
        // walk the smooth weighted sequence from a moving start to the first tied backend
        SmoothWeightedSchedule schedule = schedules.scheduleFor(candidates);
        long start = cursor.getAndIncrement() & Long.MAX_VALUE;
        int period = schedule.period();
        for (int k = 0; k < period; k++) {
            Backend b = schedule.at(start + k);
            if (b.activeRequests() * bestWeight == bestActive * Math.max(1, b.effectiveWeight())) {
                return b;
            }
        }
        return best; // counts moved under us; the first least-loaded one seen is as good
    }
}
