package io.gatehouse.util.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The distribution of the values recorded in the last one to two windows (30 s by default), in log-linear buckets:
 * values below 64 are kept exactly, larger ones in 32 buckets per power of two, so a quantile is within 1/32 (3.1%)
 * of the recorded value it stands for, whatever the range (nanoseconds to hours). The mean is exact.
 *
 * <p>An update is a clock read and two atomic additions (its bucket, the window's sum), with no allocation: cheap enough for every request of a
 * gateway, where Dropwizard's decaying reservoirs take a lock or insert into a skip list. A snapshot reads the window
 * being filled and the one before it, so it always covers at least one whole window; with no update for two windows
 * it is empty.
 */
public final class WindowedHistogramReservoir implements Reservoir {

    static final int SUB_BUCKET_BITS = 5;
    static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Values 0..63 get a bucket each, then 32 per power of two up to {@code Long.MAX_VALUE}. */
    static final int BUCKETS = (64 - SUB_BUCKET_BITS) * SUB_BUCKETS;
    /** After the buckets, each window keeps the sum of its values, for an exact mean. */
    private static final int SUM = BUCKETS;
    /** How many values {@link Snapshot#getValues()} returns at most: quantiles spread over the distribution. */
    static final int MAX_VALUES = 1024;

    private final long windowNanos;
    private final Clock clock;
    private final AtomicReference<Windows> windows;

    /** Windows of 30 s on the JVM's monotonic clock. */
    public WindowedHistogramReservoir() {
        this(Duration.ofSeconds(30), Clock.defaultClock());
    }

    public WindowedHistogramReservoir(Duration window, Clock clock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        this.windowNanos = window.toNanos();
        this.clock = clock;
        this.windows = new AtomicReference<>(new Windows(clock.getTick(), new AtomicLongArray(BUCKETS + 1), null));
    }

    /** The bucket of a value: the value itself below 64, then 32 buckets per power of two. Negative values count as 0. */
    static int bucket(long value) {
        if (value < 2 * SUB_BUCKETS) {
            return value < 0 ? 0 : (int) value;
        }
        int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BUCKET_BITS;
        return (shift + 1) * SUB_BUCKETS + (int) (value >>> shift) - SUB_BUCKETS;
    }

    /** The smallest value of a bucket. */
    static long lowest(int bucket) {
        if (bucket < 2 * SUB_BUCKETS) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKETS - 1;
        return (long) (bucket % SUB_BUCKETS + SUB_BUCKETS) << shift;
    }

    /** The largest value of a bucket. */
    static long highest(int bucket) {
        return bucket == BUCKETS - 1 ? Long.MAX_VALUE : lowest(bucket + 1) - 1;
    }

    /** The value a bucket stands for: the middle of its range. */
    static long middle(int bucket) {
        long low = lowest(bucket);
        return low + (highest(bucket) - low) / 2;
    }

    @Override
    public void update(long value) {
        AtomicLongArray counts = current(clock.getTick()).counts;
        counts.getAndIncrement(bucket(value));
        counts.getAndAdd(SUM, Math.max(0, value));
    }

    /** The window being filled at {@code now}, moving on to a new one when its time is up. */
    private Windows current(long now) {
        Windows w = windows.get();
        while (now - w.start >= windowNanos) {
            // a window that ended a whole window ago or more is too old to be the previous one
            boolean adjacent = now - w.start < 2 * windowNanos;
            long start = adjacent ? w.start + windowNanos : now;
            Windows next = new Windows(start, new AtomicLongArray(BUCKETS + 1), adjacent ? w.counts : null);
            if (windows.compareAndSet(w, next)) {
                return next;
            }
            w = windows.get();
        }
        return w;
    }

    /** The number of values in the windows a snapshot taken now would read. */
    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, read().count());
    }

    @Override
    public Snapshot getSnapshot() {
        return read();
    }

    private HistogramSnapshot read() {
        long now = clock.getTick();
        Windows w = windows.get();
        long[] counts = new long[BUCKETS + 1];
        long age = now - w.start;
        if (age < 2 * windowNanos) {
            add(counts, w.counts);
            if (age < windowNanos && w.previous != null) {
                add(counts, w.previous);
            }
        }
        return new HistogramSnapshot(counts);
    }

    private static void add(long[] into, AtomicLongArray from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from.get(i);
        }
    }

    private record Windows(long start, AtomicLongArray counts, AtomicLongArray previous) {
    }

    /** A copy of the bucket counts; quantiles, minimum and maximum are bucket middles, the mean is exact. */
    static final class HistogramSnapshot extends Snapshot {

        private final long[] counts;
        private final long count;

        HistogramSnapshot(long[] counts) {
            this.counts = counts;
            long total = 0;
            for (int b = 0; b < BUCKETS; b++) {
                total += counts[b];
            }
            this.count = total;
        }

        long count() {
            return count;
        }

        @Override
        public double getValue(double quantile) {
            if (quantile < 0 || quantile > 1 || Double.isNaN(quantile)) {
                throw new IllegalArgumentException(quantile + " is not in [0..1]");
            }
            long total = count();
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(quantile * total));
            long seen = 0;
            for (int b = 0; b < BUCKETS; b++) {
                seen += counts[b];
                if (seen >= rank) {
                    return middle(b);
                }
            }
            return getMax();
        }

        /** Up to {@value #MAX_VALUES} values, sorted, at evenly spread quantiles: the shape of the distribution. */
        @Override
        public long[] getValues() {
            int n = (int) Math.min(count(), MAX_VALUES);
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = (long) getValue((i + 0.5) / n);
            }
            return values;
        }

        @Override
        public int size() {
            return (int) Math.min(Integer.MAX_VALUE, count());
        }

        @Override
        public long getMax() {
            for (int b = BUCKETS - 1; b >= 0; b--) {
                if (counts[b] > 0) {
                    return middle(b);
                }
            }
            return 0;
        }

        @Override
        public long getMin() {
            for (int b = 0; b < BUCKETS; b++) {
                if (counts[b] > 0) {
                    return middle(b);
                }
            }
            return 0;
        }

        @Override
        public double getMean() {
            long total = count();
            return total == 0 ? 0 : (double) counts[SUM] / total;
        }

        @Override
        public double getStdDev() {
            long total = count();
            if (total <= 1) {
                return 0;
            }
            double mean = getMean();
            double squares = 0;
            for (int b = 0; b < BUCKETS; b++) {
                if (counts[b] > 0) {
                    double d = middle(b) - mean;
                    squares += d * d * counts[b];
                }
            }
            return Math.sqrt(squares / (total - 1));
        }

        @Override
        public void dump(OutputStream output) {
            try (PrintWriter out = new PrintWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8))) {
                for (long value : getValues()) {
                    out.printf("%d%n", value);
                }
            }
        }
    }
}
