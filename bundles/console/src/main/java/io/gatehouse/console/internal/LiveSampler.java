package io.gatehouse.console.internal;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import io.gatehouse.api.balancer.Backend;
import io.gatehouse.api.balancer.LoadBalancer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Samples the balancer and the registry once a second and keeps the last two minutes, so the console's charts and
 * rates need nothing but the registry's counters: a rate is the difference of two samples.
 */
final class LiveSampler {

    static final int POINTS = 120;

    /** One point of the charts. Rates per second, latencies in milliseconds; NaN when unknown. */
    record Point(long time, double requestRate, double errorRate, double p50, double p99, int active) {
    }

    /** One backend's live figures. */
    record BackendRates(long requests, double requestRate, double errorRate, double p50, double p99) {
    }

    private record Totals(long time, long requests, long errors) {
    }

    private final Supplier<LoadBalancer> balancer;
    private final Supplier<MetricRegistry> registry;
    private final Deque<Point> points = new ArrayDeque<>();
    private final Map<String, Totals> lastBackend = new HashMap<>();
    private volatile Map<String, BackendRates> backendRates = Map.of();
    private Totals lastGlobal;
    private volatile long requestsCounted;

    LiveSampler(Supplier<LoadBalancer> balancer, Supplier<MetricRegistry> registry) {
        this.balancer = balancer;
        this.registry = registry;
    }

    /** Takes one sample; called by the console's timer once a second. */
    synchronized void sample(long now) {
        MetricRegistry r = registry.get();
        MetricLookup metrics = r == null ? null : new MetricLookup(r);
        LoadBalancer lb = balancer.get();
        Map<String, BackendRates> rates = new LinkedHashMap<>();
        long requests = 0;
        long errors = 0;
        int active = 0;
        double worstP50 = Double.NaN;
        double worstP99 = Double.NaN;
        List<Backend> backends = lb == null ? List.of() : safeBackends(lb);
        for (Backend b : backends) {
            long req = BackendFigures.requests(b, metrics);
            long err = BackendFigures.failures(b, metrics);
            requests += req;
            errors += err;
            active += b.activeRequests();
            Totals now1 = new Totals(now, req, err);
            Totals before = lastBackend.put(b.id(), now1);
            double[] latency = BackendFigures.latencyMillis(b, metrics);
            rates.put(b.id(), new BackendRates(req, rate(before, now1, true), rate(before, now1, false), latency[0],
                    latency[1]));
            worstP50 = max(worstP50, latency[0]);
            worstP99 = max(worstP99, latency[1]);
        }
        lastBackend.keySet().retainAll(rates.keySet());
        backendRates = Map.copyOf(rates);

        double[] gateway = GatewayFigures.latencyMillis(metrics);
        long gwRequests = GatewayFigures.requests(metrics);
        if (gwRequests >= 0) {
            // the listener counts every request, including those answered without a backend (429, 503...)
            requests = gwRequests;
            errors = GatewayFigures.errors(metrics);
        }
        requestsCounted = requests;
        Totals global = new Totals(now, requests, errors);
        Point p = new Point(now, rate(lastGlobal, global, true), rate(lastGlobal, global, false),
                Double.isNaN(gateway[0]) ? worstP50 : gateway[0], Double.isNaN(gateway[1]) ? worstP99 : gateway[1],
                active);
        lastGlobal = global;
        points.addLast(p);
        while (points.size() > POINTS) {
            points.removeFirst();
        }
    }

    synchronized List<Point> points() {
        return new ArrayList<>(points);
    }

    /** Every request counted so far (the listener's total, or the backends' sum without the listener). */
    long requests() {
        return requestsCounted;
    }

    Map<String, BackendRates> backendRates() {
        return backendRates;
    }

    private static List<Backend> safeBackends(LoadBalancer lb) {
        try {
            return lb.backends();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static double rate(Totals before, Totals now, boolean requests) {
        if (before == null || now.time <= before.time) {
            return 0;
        }
        long delta = requests ? now.requests - before.requests : now.errors - before.errors;
        return Math.max(0, delta) * 1000.0 / (now.time - before.time);
    }

    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    static double[] quantiles(Snapshot s, boolean nanos) {
        if (s == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double scale = nanos ? 1e6 : 1;
        return new double[] {s.getValue(0.5) / scale, s.getValue(0.99) / scale};
    }
}
