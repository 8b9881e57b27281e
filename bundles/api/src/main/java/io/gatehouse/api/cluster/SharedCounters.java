package io.gatehouse.api.cluster;

import java.time.Duration;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A small cluster-wide store of per-key state with atomic compare-and-set, so that several gateways can run one
 * rate-limit algorithm on shared state: each gateway keeps its local algorithm and only moves the state here. The
 * usual loop is: {@link #get}, compute the new state locally, {@link #compareAndSet}, retry on {@code false}.
 * <p>
 * State is a short {@code long[]} (for example GCRA's theoretical arrival time, or a bucket's level and last
 * update). Time-based algorithms should read time from {@link #clusterTimeMillis()}, which agrees across machines.
 * <p>
 * While this member is cut off from the cluster (fewer members than the configured minimum) or an operation does
 * not complete in time, every call throws {@link ClusterUnavailableException}: the caller then enforces its limit
 * locally until {@link #available()} is true again.
 */
@ProviderType
public interface SharedCounters {

    /** Whether shared state can be used now; false during a partition. */
    boolean available();

    /** The cluster's clock in epoch milliseconds, the same on every member within a few milliseconds. */
    long clusterTimeMillis();

    /**
     * The state stored under {@code zone}/{@code key}, or empty when there is none (never set, or expired).
     *
     * @throws ClusterUnavailableException when the shared store cannot answer now
     */
    Optional<long[]> get(String zone, String key);

    /**
     * Atomically replaces the state under {@code zone}/{@code key} with {@code update} if it is {@code expected}
     * now (null: there is no state yet). The state expires after {@code ttl} without a successful update.
     *
     * @return false when another gateway changed the state first (read it again and retry)
     * @throws ClusterUnavailableException when the shared store cannot answer now
     * @throws IllegalArgumentException when zone or key is empty, update is null or ttl is not positive
     */
    boolean compareAndSet(String zone, String key, long[] expected, long[] update, Duration ttl);
}
