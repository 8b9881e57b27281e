package io.gatehouse.console.internal;

import com.codahale.metrics.Snapshot;
import io.gatehouse.api.balancer.Backend;

/**
 * Where a backend's totals and latency come from: the registry's per-backend series (label {@code backend}), and the
 * balancer's live view when the registry has none.
 */
final class BackendFigures {

    static final String REQUESTS = "gatehouse.backend.requests";
    static final String FAILURES = "gatehouse.backend.failures";
    static final String LATENCY = "gatehouse.backend.latency";
    static final String LABEL = "backend";

    private BackendFigures() {
    }

    static long requests(Backend b, MetricLookup metrics) {
        return metrics == null ? 0 : metrics.count(REQUESTS, LABEL, b.id());
    }

    static long failures(Backend b, MetricLookup metrics) {
        return metrics == null ? 0 : metrics.count(FAILURES, LABEL, b.id());
    }

    /** p50 and p99 in milliseconds; the latency EWMA for both when the registry has no latency series. */
    static double[] latencyMillis(Backend b, MetricLookup metrics) {
        Snapshot s = metrics == null ? null : metrics.snapshot(LATENCY, LABEL, b.id());
        if (s != null && s.size() > 0) {
            return LiveSampler.quantiles(s, true);
        }
        double ewma = b.latencyEwmaNanos() / 1e6;
        return b.latencyEwmaNanos() == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {ewma, ewma};
    }
}
