package io.gatehouse.balancer.internal;

import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.UniformSnapshot;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@value #SIZE} samples, lock-free: an update is one atomic increment and one store, cheap enough for every
 * request (Dropwizard's decaying reservoirs take a lock or a skip-list insert; its sliding window is synchronized).
 * Under concurrent updates a slot may briefly hold a sample from a lap earlier, which a latency summary tolerates.
 */
final class RecentSamplesReservoir implements Reservoir {

    static final int SIZE = 1024;

    private final AtomicLongArray samples = new AtomicLongArray(SIZE);
    private final AtomicLong count = new AtomicLong();

    @Override
    public int size() {
        return (int) Math.min(count.get(), SIZE);
    }

    @Override
    public void update(long value) {
        samples.lazySet((int) (count.getAndIncrement() & (SIZE - 1)), value);
    }

    @Override
    public Snapshot getSnapshot() {
        int n = size();
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = samples.get(i);
        }
        return new UniformSnapshot(values);
    }
}
