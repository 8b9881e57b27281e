package io.gatehouse.membership.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.gatehouse.api.cluster.ClusterUnavailableException;
import io.gatehouse.api.cluster.SharedCounters;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Shared rate-limit state in a Hazelcast map, one entry per zone and key, changed only by compare-and-set on the
 * key's owner. Unavailable (callers go local) below the configured minimum cluster size or when an operation takes
 * longer than the configured timeout.
 */
public final class HazelcastSharedCounters implements SharedCounters {

    private final HazelcastInstance hazelcast;
    private final IMap<String, long[]> map;
    private final int minMembers;
    private final long timeoutMillis;

    public HazelcastSharedCounters(HazelcastInstance hazelcast, int minMembers, Duration timeout) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(HazelcastConfigFactory.COUNTERS_MAP);
        this.minMembers = minMembers;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public boolean available() {
        return hazelcast.getLifecycleService().isRunning() && hazelcast.getCluster().getMembers().size() >= minMembers;
    }

    @Override
    public long clusterTimeMillis() {
        return hazelcast.getCluster().getClusterTime();
    }

    @Override
    public Optional<long[]> get(String zone, String key) {
        String mapKey = key(zone, key);
        long[] value = await(() -> map.getAsync(mapKey), zone, key);
        return Optional.ofNullable(value).map(long[]::clone);
    }

    @Override
    public boolean compareAndSet(String zone, String key, long[] expected, long[] update, Duration ttl) {
        if (update == null) {
            throw new IllegalArgumentException("update must not be null");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        CompareAndSetProcessor processor = new CompareAndSetProcessor(expected == null ? null : expected.clone(),
                update.clone(), ttl.toMillis());
        String mapKey = key(zone, key);
        return Boolean.TRUE.equals(await(() -> map.submitToKey(mapKey, processor), zone, key));
    }

    private static String key(String zone, String key) {
        if (zone == null || zone.isEmpty()) {
            throw new IllegalArgumentException("zone must not be empty");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        return zone + '\u0000' + key;
    }

    private <T> T await(Supplier<CompletionStage<T>> operation, String zone, String key) {
        if (!available()) {
            throw new ClusterUnavailableException("shared counters need at least " + minMembers
                    + " cluster members, this member sees " + safeSize());
        }
        try {
            return operation.get().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ClusterUnavailableException("shared counter " + zone + "/" + key + " did not answer within "
                    + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            throw new ClusterUnavailableException("shared counter " + zone + "/" + key + " failed: "
                    + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while waiting for shared counter " + zone + "/" + key, e);
        } catch (RuntimeException e) {
            throw new ClusterUnavailableException("shared counter " + zone + "/" + key + " failed: " + e, e);
        }
    }

    private int safeSize() {
        try {
            return hazelcast.getCluster().getMembers().size();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
