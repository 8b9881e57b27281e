package io.gatehouse.console.internal;

import com.codahale.metrics.Snapshot;

/** The listener's request totals and latency, from the registry, for the console's charts. */
final class GatewayFigures {

    static final String REQUESTS = "gatehouse.gateway.requests";
    static final String LATENCY = "gatehouse.gateway.latency";
    static final String STATUS = "status";
    static final String SERVER_ERRORS = "5xx";

    private GatewayFigures() {
    }

    /** Every request the listener answered, or -1 when the listener publishes no such series. */
    static long requests(MetricLookup metrics) {
        if (metrics == null) {
            return -1;
        }
        boolean[] present = {false};
        metrics.each(REQUESTS, (labels, metric) -> present[0] = true);
        return present[0] ? metrics.count(REQUESTS, null, null) : -1;
    }

    /** Responses with a 5xx status, whether the backend or the gateway produced them. */
    static long errors(MetricLookup metrics) {
        return metrics == null ? 0 : metrics.count(REQUESTS, STATUS, SERVER_ERRORS);
    }

    static double[] latencyMillis(MetricLookup metrics) {
        Snapshot s = metrics == null ? null : metrics.snapshot(LATENCY, null, null);
        return s == null || s.size() == 0 ? new double[] {Double.NaN, Double.NaN} : LiveSampler.quantiles(s, true);
    }
}
