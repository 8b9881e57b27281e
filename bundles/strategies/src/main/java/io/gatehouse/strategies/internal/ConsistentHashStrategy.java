package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BalancingStrategy;
import io.gatehouse.api.http.Exchange;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ip-hash}: a client address always reaches the same backend while that backend is a candidate, by consistent
 * hashing with virtual nodes, so when a backend leaves only its ~1/N share of clients moves.
 * <p>
 * The ring is cached per candidate list instance (the balancer reuses it until the backend set changes); filtered
 * lists (retries, backends at their connection limit) find their ring by content in a small cache.
 */
@Component(service = BalancingStrategy.class, property = BalancingStrategy.NAME + "=" + ConsistentHashStrategy.NAME)
public final class ConsistentHashStrategy implements BalancingStrategy {

    public static final String NAME = "ip-hash";

    private static final int MAX_CACHED_RINGS = 64;

    private volatile HashRing last;
    private final Map<List<Backend>, HashRing> byContent = new ConcurrentHashMap<>();

    @Override
    public Backend select(List<Backend> candidates, Exchange exchange) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        return ringFor(candidates).owner(key(exchange));
    }

    private HashRing ringFor(List<Backend> candidates) {
        HashRing ring = last;
        if (ring != null && ring.candidates() == candidates) {
            return ring;
        }
        ring = byContent.get(candidates);
        if (ring == null) {
            if (byContent.size() >= MAX_CACHED_RINGS) {
                byContent.clear();
            }
            List<Backend> key = List.copyOf(candidates);
            ring = HashRing.of(key);
            byContent.put(key, ring);
        }
        if (ring.candidates() != candidates) {
            ring = ring.withCandidates(candidates);
        }
        last = ring;
        return ring;
    }

    private static String key(Exchange exchange) {
        String client = exchange == null ? null : exchange.clientAddress();
        if (client == null && exchange != null) {
            client = exchange.peerAddress();
        }
        return client == null ? "" : client;
    }
}
