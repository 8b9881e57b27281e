package io.gatehouse.api.balancer;

import io.gatehouse.api.http.Exchange;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Chooses one backend for a request. Registered as a service with a {@value #NAME} property; the balancer uses the
 * strategy named in its configuration and swaps strategies without dropping a request.
 * <p>
 * Implementations are called concurrently on the request hot path: they must be thread-safe and must not block.
 */
@ConsumerType
public interface BalancingStrategy {

    /** Service property: the name users select the strategy by, for example {@code least-conn}. */
    String NAME = "strategy.name";

    /**
     * Picks a backend from {@code candidates}.
     *
     * @param candidates the eligible backends (up or in slow start, under their connection limit), never empty; the
     *     same list instance is passed again as long as the backend set has not changed
     * @param exchange the request being balanced
     * @return one element of {@code candidates}
     */
    Backend select(List<Backend> candidates, Exchange exchange);
}
