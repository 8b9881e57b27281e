package io.gatehouse.balancer.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Timer;
import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.BackendSpec;
import io.gatehouse.api.balancer.BackendState;
import io.gatehouse.util.metrics.WindowedHistogramReservoir;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A registered backend and its live state: load, counters, latency EWMA, passive health (NGINX max_fails /
 * fail_timeout), the active-health verdict, drain and slow start.
 * <p>
 * Times are nanoseconds on the pool's clock, which starts above zero, so 0 means "not set". The request path touches
 * only atomics; the passive-failure bookkeeping synchronises on this backend, and only when there are failures.
 */
final class ManagedBackend implements Backend {

    /** Weight of the newest sample in the latency EWMA. */
    static final double EWMA_ALPHA = 0.3;

    private final LongSupplier clock;
    private volatile BackendDefinition definition;
    private volatile String source;

    private final AtomicInteger active = new AtomicInteger();
    final Counter requests = new Counter();
    final Counter failures = new Counter();
    final Timer latency = new Timer(new WindowedHistogramReservoir());
    private final AtomicLong ewmaNanos = new AtomicLong();

    // passive health, guarded by this
    private int fails;
    private long windowStart;
    private volatile boolean failing;
    private volatile long downUntil;

    // active health, written by the health checker only
    private volatile boolean healthy = true;
    private int consecutivePasses;
    private int consecutiveFailures;
    final AtomicBoolean checkInFlight = new AtomicBoolean();

    private volatile boolean drained;
    private volatile long slowStartFrom;
    private volatile long slowStartUntil;

    ManagedBackend(BackendDefinition definition, String source, LongSupplier clock) {
        this.definition = definition;
        this.source = source;
        this.clock = clock;
        this.drained = definition.down();
    }

    void redefine(BackendDefinition newDefinition, String newSource) {
        this.definition = newDefinition;
        this.source = newSource;
    }

    BackendDefinition definition() {
        return definition;
    }

    BackendSpec spec() {
        return definition.spec();
    }

    @Override
    public String id() {
        return definition.spec().id();
    }

    @Override
    public String host() {
        return definition.spec().host();
    }

    @Override
    public int port() {
        return definition.spec().port();
    }

    @Override
    public int weight() {
        return definition.spec().weight();
    }

    @Override
    public int effectiveWeight() {
        int weight = definition.spec().weight();
        long until = slowStartUntil;
        if (until == 0) {
            return weight;
        }
        long now = clock.getAsLong();
        if (now >= until) {
            return weight;
        }
        long from = slowStartFrom;
        long elapsed = Math.max(0, now - from);
        return (int) Math.max(1, weight * elapsed / Math.max(1, until - from));
    }

    @Override
    public int maxConnections() {
        return definition.spec().maxConnections();
    }

    @Override
    public boolean backup() {
        return definition.spec().backup();
    }

    @Override
    public BackendState state() {
        return stateAt(clock.getAsLong());
    }

    BackendState stateAt(long now) {
        if (drained) {
            return BackendState.DRAINING;
        }
        if (!healthy || downUntil > now) {
            return BackendState.DOWN;
        }
        if (slowStartUntil > now) {
            return BackendState.SLOW_START;
        }
        return BackendState.UP;
    }

    boolean eligibleAt(long now) {
        return !drained && healthy && downUntil <= now;
    }

    /** When passive unavailability ends, or 0. */
    long downUntil() {
        return downUntil;
    }

    @Override
    public int activeRequests() {
        return active.get();
    }

    @Override
    public long latencyEwmaNanos() {
        return ewmaNanos.get();
    }

    @Override
    public long totalRequests() {
        return requests.getCount();
    }

    @Override
    public long totalFailures() {
        return failures.getCount();
    }

    @Override
    public String source() {
        return source;
    }

    boolean atLimit() {
        int max = definition.spec().maxConnections();
        return max > 0 && active.get() >= max;
    }

    /** Takes one connection slot, unless the backend is at its {@code max_conns}. */
    boolean tryAcquire() {
        int max = definition.spec().maxConnections();
        if (max == 0) {
            active.incrementAndGet();
            return true;
        }
        while (true) {
            int current = active.get();
            if (current >= max) {
                return false;
            }
            if (active.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void succeeded(long latencyNanos) {
        active.decrementAndGet();
        requests.inc();
        if (latencyNanos >= 0) {
            latency.update(latencyNanos, TimeUnit.NANOSECONDS);
            updateEwma(latencyNanos);
        }
        if (failing) {
            synchronized (this) {
                long now = clock.getAsLong();
                // a success after the window, or after unavailability ended, clears the failure count
                if (fails >= definition.policy().maxFails() ? downUntil <= now
                        : now - windowStart > definition.policy().failTimeoutNanos()) {
                    fails = 0;
                    failing = false;
                }
            }
        }
    }

    /** @return true when this failure made the backend unavailable */
    boolean failed() {
        active.decrementAndGet();
        requests.inc();
        failures.inc();
        PassivePolicy policy = definition.policy();
        if (policy.maxFails() == 0) {
            return false;
        }
        synchronized (this) {
            long now = clock.getAsLong();
            if (fails >= policy.maxFails()) {
                if (downUntil > now) {
                    return false; // already unavailable: in-flight requests failing late change nothing
                }
                // the trial request after fail_timeout failed: unavailable again at once, as NGINX does
            } else if (fails == 0 || now - windowStart > policy.failTimeoutNanos()) {
                fails = 1;
                windowStart = now;
                failing = true;
                if (fails < policy.maxFails()) {
                    return false;
                }
            } else if (++fails < policy.maxFails()) {
                return false;
            }
            fails = policy.maxFails();
            failing = true;
            downUntil = now + policy.failTimeoutNanos();
            startSlowStart(downUntil);
            return true;
        }
    }

    private void updateEwma(long sample) {
        while (true) {
            long old = ewmaNanos.get();
            long next = old == 0 ? Math.max(1, sample) : (long) (old + EWMA_ALPHA * (sample - old));
            if (ewmaNanos.compareAndSet(old, Math.max(1, next))) {
                return;
            }
        }
    }

    private void startSlowStart(long from) {
        long ramp = definition.policy().slowStartNanos();
        if (ramp > 0) {
            slowStartFrom = from;
            slowStartUntil = from + ramp;
        }
    }

    /** @return true when eligibility changed */
    boolean drain() {
        boolean changed = !drained;
        drained = true;
        return changed;
    }

    /** @return true when eligibility changed */
    boolean enable() {
        if (!drained) {
            return false;
        }
        drained = false;
        startSlowStart(clock.getAsLong());
        return true;
    }

    /**
     * Records an active health check result.
     *
     * @return true when eligibility changed
     */
    boolean checked(boolean passed, int healthyThreshold, int unhealthyThreshold) {
        if (passed) {
            consecutiveFailures = 0;
            consecutivePasses++;
            long now = clock.getAsLong();
            boolean passivelyDown = downUntil > now;
            if (consecutivePasses >= healthyThreshold && (!healthy || passivelyDown)) {
                synchronized (this) {
                    fails = 0;
                    failing = false;
                    downUntil = 0;
                }
                healthy = true;
                startSlowStart(now);
                return true;
            }
            return false;
        }
        consecutivePasses = 0;
        consecutiveFailures++;
        if (healthy && consecutiveFailures >= unhealthyThreshold) {
            healthy = false;
            return true;
        }
        return false;
    }

    boolean healthy() {
        return healthy;
    }

    @Override
    public String toString() {
        return id();
    }
}
