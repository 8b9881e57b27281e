package io.gatehouse.ratelimit.internal;

import com.codahale.metrics.Counter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A zone's live state: one {@link LeakyBucket} per key (limit_req) and one in-flight count per key (limit_conn),
 * in concurrent maps, so that distinct keys never contend. Memory is bounded by {@code max.keys}: buckets that have
 * drained to nothing are forgotten (losslessly) and, when the zone is still full, the least recently seen of a
 * sample is forgotten (as NGINX forgets its oldest node when the zone's memory is exhausted).
 */
final class Zone {

    /** How many last-seen times estimate the age cut-off of an eviction pass. */
    private static final int EVICTION_SAMPLE = 256;

    private volatile ZoneSpec spec;
    private final ConcurrentHashMap<String, LeakyBucket> buckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private volatile long lastConnReport = Long.MIN_VALUE;

    final Counter passed = new Counter();
    final Counter delayed = new Counter();
    final Counter hits = new Counter();
    final Counter connHits = new Counter();

    Zone(ZoneSpec spec) {
        this.spec = spec;
    }

    ZoneSpec spec() {
        return spec;
    }

    /** Applies a new configuration; buckets are kept unless what they are keyed by changed. */
    void update(ZoneSpec next) {
        ZoneSpec previous = spec;
        spec = next;
        if (!previous.key().toString().equals(next.key().toString())) {
            buckets.clear();
        }
    }

    LeakyBucket bucket(String key, long now) {
        LeakyBucket b = buckets.get(key);
        if (b != null) {
            return b;
        }
        LeakyBucket created = new LeakyBucket(now);
        b = buckets.putIfAbsent(key, created);
        if (b != null) {
            return b;
        }
        if (buckets.size() > spec.maxKeys()) {
            evict(now);
        }
        return created;
    }

    /** limit_conn: counts the key in; false (and counted out again) when it is already at the limit. */
    boolean enter(String key, int limit) {
        int n = inFlight.merge(key, 1, Integer::sum);
        if (n > limit) {
            leave(key);
            return false;
        }
        return true;
    }

    void leave(String key) {
        inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** True at most once per interval: limit_conn security events of one zone are rate-limited too. */
    boolean shouldReportConn(long now, long intervalMillis) {
        long previous = lastConnReport;
        if (previous != Long.MIN_VALUE && now - previous < intervalMillis) {
            return false;
        }
        lastConnReport = now;
        return true;
    }

    int inFlight(String key) {
        return inFlight.getOrDefault(key, 0);
    }

    /**
     * Brings the zone back under 90% of {@code max.keys}: first by forgetting drained buckets (lossless), then the
     * least recently seen ones, with a cut-off age estimated from a sample. Each pass frees a tenth of the zone,
     * so the cost per new key stays constant. One thread evicts at a time; others carry on.
     */
    private void evict(long now) {
        if (!evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            int max = spec.maxKeys();
            int target = Math.min(max - 1, max - max / 10);
            sweep(now);
            int size = buckets.size();
            if (size <= target) {
                return;
            }
            long[] sample = new long[Math.min(EVICTION_SAMPLE, size)];
            int n = 0;
            for (Iterator<LeakyBucket> it = buckets.values().iterator(); it.hasNext() && n < sample.length;) {
                sample[n++] = it.next().lastSeen();
            }
            Arrays.sort(sample, 0, n);
            long cutoff = sample[Math.min(n - 1, (int) ((long) n * (size - target) / size))];
            for (Iterator<LeakyBucket> it = buckets.values().iterator(); it.hasNext() && buckets.size() > target;) {
                if (it.next().lastSeen() <= cutoff) {
                    it.remove();
                }
            }
        } finally {
            evicting.set(false);
        }
    }

    /** Forgets every bucket that has drained to nothing; returns how many. */
    int sweep(long now) {
        long rate = rate();
        int removed = 0;
        for (Iterator<LeakyBucket> it = buckets.values().iterator(); it.hasNext();) {
            if (it.next().idle(now, rate)) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    private long rate() {
        Rate r = spec.rate();
        return r == null ? Long.MAX_VALUE / 1_000_000 : r.milliPerSecond();
    }

    int keys() {
        return buckets.size();
    }

    int connKeys() {
        return inFlight.size();
    }

    /** Forgets every key's state (limit_req); in-flight counts stay, they are released as requests end. */
    void reset() {
        buckets.clear();
    }

    /** Forgets one key's state; false when the zone had none for it. */
    boolean reset(String key) {
        return buckets.remove(key) != null;
    }

    /** The key's current excess in requests (0 when unknown), for the shell. */
    double excess(String key, long now) {
        LeakyBucket b = buckets.get(key);
        return b == null ? 0 : b.excessAt(now, rate()) / (double) LeakyBucket.REQUEST;
    }
}
