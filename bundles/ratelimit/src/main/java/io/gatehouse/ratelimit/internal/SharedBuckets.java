package io.gatehouse.ratelimit.internal;

import io.gatehouse.api.cluster.ClusterUnavailableException;
import io.gatehouse.api.cluster.SharedCounters;
import java.time.Duration;
import java.util.Optional;

/**
 * limit_req for a zone with {@code scope = cluster}: the same leaky bucket as {@link LeakyBucket}, with its state
 * ({@code excess}, {@code last}) kept in the cluster's {@link SharedCounters} instead of this gateway's memory, and
 * time read from the cluster clock so that every gateway drains it alike. Every change is a compare-and-set, so
 * concurrent requests on several gateways are accounted exactly once each.
 *
 * @throws ClusterUnavailableException (from every method) when the shared state cannot be used now; the caller
 *     then limits with its local bucket
 */
final class SharedBuckets {

    /** Compare-and-set rounds before giving up on a key that other gateways keep changing. */
    private static final int ATTEMPTS = 16;

    private final SharedCounters counters;

    SharedBuckets(SharedCounters counters) {
        this.counters = counters;
    }

    long now() {
        return counters.clusterTimeMillis();
    }

    /** As {@link LeakyBucket#acquire}: looks the request up and accounts it unless it exceeds the burst. */
    LeakyBucket.Outcome acquire(String zone, String key, long now, long rate, long burst) {
        Duration ttl = ttl(rate, burst);
        for (int i = 0; i < ATTEMPTS; i++) {
            long[] s = state(zone, key);
            if (s == null) {
                if (counters.compareAndSet(zone, key, null, new long[] {0, now}, ttl)) {
                    return new LeakyBucket.Outcome(false, 0, 0);
                }
                continue;
            }
            long ms = LeakyBucket.elapsed(now, s[1]);
            long excess = LeakyBucket.candidate(s[0], rate, ms);
            if (excess > burst) {
                return new LeakyBucket.Outcome(true, excess,
                        LeakyBucket.retryAfter(new LeakyBucket.State(s[0], s[1]), now, rate, burst));
            }
            if (counters.compareAndSet(zone, key, s, new long[] {excess, ms != 0 ? now : s[1]}, ttl)) {
                return new LeakyBucket.Outcome(false, excess, 0);
            }
        }
        throw contention(zone, key);
    }

    /** As {@link LeakyBucket#check}: looks the request up without accounting it. */
    LeakyBucket.Outcome check(String zone, String key, long now, long rate, long burst) {
        long[] s = state(zone, key);
        if (s == null) {
            return new LeakyBucket.Outcome(false, 0, 0);
        }
        long excess = LeakyBucket.candidate(s[0], rate, LeakyBucket.elapsed(now, s[1]));
        return excess > burst
                ? new LeakyBucket.Outcome(true, excess,
                        LeakyBucket.retryAfter(new LeakyBucket.State(s[0], s[1]), now, rate, burst))
                : new LeakyBucket.Outcome(false, excess, 0);
    }

    /** As {@link LeakyBucket#commit}: accounts a request the check admitted, without a burst test. */
    long commit(String zone, String key, long now, long rate, long burst) {
        Duration ttl = ttl(rate, burst);
        for (int i = 0; i < ATTEMPTS; i++) {
            long[] s = state(zone, key);
            long[] next;
            if (s == null) {
                next = new long[] {0, now};
            } else {
                long ms = LeakyBucket.elapsed(now, s[1]);
                next = new long[] {LeakyBucket.candidate(s[0], rate, ms), ms != 0 ? now : s[1]};
            }
            if (counters.compareAndSet(zone, key, s, next, ttl)) {
                return next[0];
            }
        }
        throw contention(zone, key);
    }

    private long[] state(String zone, String key) {
        Optional<long[]> s = counters.get(zone, key);
        return s.filter(v -> v.length == 2).orElse(null);
    }

    /** Long enough for the fullest bucket to drain to nothing, after which the state would be forgotten anyway. */
    static Duration ttl(long rate, long burst) {
        long drainMillis = (burst + LeakyBucket.REQUEST) * 1000 / Math.max(1, rate);
        return Duration.ofMillis(Math.max(1000, drainMillis + 1000));
    }

    private static ClusterUnavailableException contention(String zone, String key) {
        return new ClusterUnavailableException("shared rate-limit state of zone " + zone + " key " + key
                + " kept changing under " + ATTEMPTS + " attempts");
    }
}
