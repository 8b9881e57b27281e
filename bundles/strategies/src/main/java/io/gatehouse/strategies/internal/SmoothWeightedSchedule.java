package io.gatehouse.strategies.internal;

import io.gatehouse.api.balancer.Backend;
import java.util.List;

/**
 * One period of NGINX's smooth weighted round-robin over a candidate list, computed once: each step adds every
 * backend's effective weight to its current weight, picks the largest (the first on ties, as NGINX does) and subtracts
 * the total from it. Walking the period with an atomic cursor gives NGINX's exact sequence without a lock.
 * <p>
 * Weights are divided by their greatest common divisor (the sequence is the same); a period longer than
 * {@value #MAX_PERIOD} is scaled down proportionally.
 */
final class SmoothWeightedSchedule {

    static final int MAX_PERIOD = 1 << 16;

    private final List<Backend> candidates;
    private final int[] weights;
    private final int[] order;

    private SmoothWeightedSchedule(List<Backend> candidates, int[] weights, int[] order) {
        this.candidates = candidates;
        this.weights = weights;
        this.order = order;
    }

    static SmoothWeightedSchedule of(List<Backend> candidates) {
        int n = candidates.size();
        int[] weights = new int[n];
        for (int i = 0; i < n; i++) {
            weights[i] = Math.max(1, candidates.get(i).effectiveWeight());
        }
        return new SmoothWeightedSchedule(candidates, weights, sequence(reduce(weights)));
    }

    /** The indices NGINX's smooth weighted round-robin picks over one period for {@code weights}. */
    static int[] sequence(int[] weights) {
        int n = weights.length;
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        long[] current = new long[n];
        int[] order = new int[total];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[step] = best;
        }
        return order;
    }

    private static int[] reduce(int[] weights) {
        int gcd = 0;
        long total = 0;
        for (int w : weights) {
            gcd = gcd(gcd, w);
            total += w;
        }
        int[] reduced = new int[weights.length];
        total /= gcd;
        for (int i = 0; i < weights.length; i++) {
            long w = weights[i] / gcd;
            reduced[i] = total > MAX_PERIOD ? (int) Math.max(1, w * MAX_PERIOD / total) : (int) w;
        }
        return reduced;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** True when this schedule was computed for this very list and its weights have not changed since. */
    boolean matches(List<Backend> list) {
        if (list != candidates) {
            return false;
        }
        for (int i = 0; i < weights.length; i++) {
            if (Math.max(1, list.get(i).effectiveWeight()) != weights[i]) {
                return false;
            }
        }
        return true;
    }

    int period() {
        return order.length;
    }

    /** The backend at {@code position} (any non-negative number) of the repeating sequence. */
    Backend at(long position) {
        return candidates.get(order[(int) (position % order.length)]);
    }
}
