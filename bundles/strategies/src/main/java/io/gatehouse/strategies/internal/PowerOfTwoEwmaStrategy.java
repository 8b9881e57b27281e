package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.osgi.service.component.annotations.Component;

/**
 * {@code p2c-ewma}: picks two distinct candidates at random and takes the cheaper, cost being the latency EWMA times
 * (active requests + 1), divided by the effective weight. A backend with no latency sample yet is compared on load
 * alone, so a new backend is neither flooded nor starved.
 */
@Component(service = BalancingStrategy.class, property = BalancingStrategy.NAME + "=" + PowerOfTwoEwmaStrategy.NAME)
public final class PowerOfTwoEwmaStrategy implements BalancingStrategy {

    public static final String NAME = "p2c-ewma";

    @Override
    public Backend select(List<Backend> candidates, Exchange exchange) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        Backend a = candidates.get(i);
        Backend b = candidates.get(j);
        return cost(b, a) < cost(a, b) ? b : a;
    }

    /** The cost of {@code x}, compared against {@code other}. */
    static double cost(Backend x, Backend other) {
        long latency = x.latencyEwmaNanos();
        if (latency == 0 || other.latencyEwmaNanos() == 0) {
            latency = 1;
        }
        return (double) latency * (x.activeRequests() + 1) / Math.max(1, x.effectiveWeight());
    }
}
