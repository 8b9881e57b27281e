package io.gatehouse.util.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Clock;
import com.codahale.metrics.Snapshot;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowedHistogramReservoirTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        long nanos = 1_000_000_000L;

        @Override
        public long getTick() {
            return nanos;
        }
    }

    @Test
    void everyValueFallsInItsBucketWithinOneThirtySecond() {
        Random random = new Random(7);
        long[] values = new long[20_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 5_000 ? i : (random.nextLong() >>> 1) >>> random.nextInt(63);
        }
        for (long v : values) {
            check(v);
        }
        for (int p = 0; p < 63; p++) {
            check((1L << p) - 1);
            check(1L << p);
            check((1L << p) + 1);
        }
        check(Long.MAX_VALUE);
        assertEquals(WindowedHistogramReservoir.BUCKETS - 1, WindowedHistogramReservoir.bucket(Long.MAX_VALUE));
        for (int b = 1; b < WindowedHistogramReservoir.BUCKETS; b++) {
            assertEquals(WindowedHistogramReservoir.highest(b - 1) + 1, WindowedHistogramReservoir.lowest(b),
                    "buckets " + (b - 1) + " and " + b + " must be adjacent");
        }
    }

    private static void check(long v) {
        int b = WindowedHistogramReservoir.bucket(v);
        long low = WindowedHistogramReservoir.lowest(b);
        long high = WindowedHistogramReservoir.highest(b);
        assertTrue(low <= v && v <= high, v + " is outside its bucket " + b + " [" + low + ", " + high + "]");
        assertTrue(high - low <= low / 32, "bucket " + b + " of " + v + " is too wide: [" + low + ", " + high + "]");
    }

    @Test
    void quantilesAreWithinThreePercentOfTheExactOnesAndTheMeanIsExact() {
        WindowedHistogramReservoir reservoir = new WindowedHistogramReservoir();
        Random random = new Random(11);
        long[] values = new long[200_000];
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            // latencies in nanoseconds, log-normal around 1 ms with a long tail
            values[i] = (long) Math.exp(Math.log(1_000_000) + random.nextGaussian());
            sum += values[i];
            reservoir.update(values[i]);
        }
        Arrays.sort(values);
        Snapshot snapshot = reservoir.getSnapshot();
        assertEquals(values.length, snapshot.size());
        for (double q : new double[] {0.0, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
            long exact = values[(int) Math.max(0, Math.ceil(q * values.length) - 1)];
            double estimate = snapshot.getValue(q);
            assertEquals(exact, estimate, exact / 32.0 + 1, "quantile " + q);
        }
        assertEquals(sum / values.length, snapshot.getMean(), 1e-6 * sum / values.length);
        assertEquals(values[0], snapshot.getMin(), values[0] / 32.0 + 1);
        assertEquals(values[values.length - 1], snapshot.getMax(), values[values.length - 1] / 32.0 + 1);
        assertTrue(snapshot.getStdDev() > 0);
        long[] shape = snapshot.getValues();
        assertEquals(WindowedHistogramReservoir.MAX_VALUES, shape.length);
        long[] sorted = shape.clone();
        Arrays.sort(sorted);
        assertTrue(Arrays.equals(sorted, shape), "values are sorted");
    }

    @Test
    void aSnapshotCoversTheWindowBeingFilledAndTheOneBefore() {
        ManualClock clock = new ManualClock();
        long w = Duration.ofSeconds(30).toNanos();
        long t0 = clock.nanos;
        WindowedHistogramReservoir reservoir = new WindowedHistogramReservoir(Duration.ofSeconds(30), clock);
        for (int i = 0; i < 100; i++) {
            reservoir.update(1_000);
        }
        clock.nanos = t0 + w - 1;
        assertEquals(100, reservoir.size());
        clock.nanos = t0 + w + 1;
        assertEquals(100, reservoir.size(), "a window that just ended is still read");
        reservoir.update(5_000);
        assertEquals(101, reservoir.size(), "the new window and the one before");
        assertEquals(5_000, reservoir.getSnapshot().getMax(), 5_000 / 32.0);
        clock.nanos = t0 + 2 * w + 10;
        reservoir.update(9_000);
        Snapshot snapshot = reservoir.getSnapshot();
        assertEquals(2, snapshot.size(), "the first window has left");
        assertEquals(7_000, snapshot.getMean(), 1e-9);
        clock.nanos = t0 + 4 * w;
        assertEquals(0, reservoir.size(), "nothing recorded for two windows");
        assertEquals(0, reservoir.getSnapshot().getValue(0.99));
        clock.nanos = t0 + 6 * w + 3;
        reservoir.update(2_000);
        assertEquals(1, reservoir.size(), "after a gap, the windows before it are not read");
    }

    @Test
    void emptyNegativeAndBadInput() {
        WindowedHistogramReservoir reservoir = new WindowedHistogramReservoir(Duration.ofSeconds(1), new ManualClock());
        Snapshot empty = reservoir.getSnapshot();
        assertEquals(0, empty.size());
        assertEquals(0, empty.getValue(0.5));
        assertEquals(0, empty.getMean());
        assertEquals(0, empty.getValues().length);
        reservoir.update(-5);
        assertEquals(0, reservoir.getSnapshot().getMax(), "a negative value counts as 0");
        IllegalArgumentException quantile = assertThrows(IllegalArgumentException.class,
                () -> reservoir.getSnapshot().getValue(1.5));
        assertTrue(quantile.getMessage().contains("1.5"), quantile.getMessage());
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> new WindowedHistogramReservoir(Duration.ZERO, new ManualClock()));
        assertTrue(window.getMessage().contains("PT0S"), window.getMessage());
    }

    @Test
    void concurrentUpdatesAreAllCounted() throws InterruptedException {
        WindowedHistogramReservoir reservoir = new WindowedHistogramReservoir();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            long value = 1_000L * (t + 1);
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    reservoir.update(value);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Snapshot snapshot = reservoir.getSnapshot();
        assertEquals(200_000, snapshot.size());
        assertEquals(2_500, snapshot.getMean(), 1e-9);
    }
}
