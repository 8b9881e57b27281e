package io.gatehouse.itests.thirdparty;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import java.util.List;

/** A third-party strategy, as someone outside the project would write it: always the last candidate. */
public final class LastCandidateStrategy implements BalancingStrategy {

    public static final String NAME = "third-party-last";

    @Override
    public Backend select(List<Backend> candidates, Exchange exchange) {
        return candidates.get(candidates.size() - 1);
    }
}
