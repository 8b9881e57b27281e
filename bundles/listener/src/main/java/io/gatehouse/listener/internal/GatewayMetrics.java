package io.gatehouse.listener.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.gatehouse.api.metrics.MetricNames;
import io.gatehouse.util.metrics.WindowedHistogramReservoir;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The listener's metrics in the shared registry; every instrument is created once, so the hot path only counts.
 * Latencies go to {@link WindowedHistogramReservoir}s: quantiles of the last 30-60 s for two atomic additions per
 * request, where a decaying reservoir's skip-list insert cost ~2.5% of the gateway's CPU per request.
 */
final class GatewayMetrics {

    static final String REQUESTS = "gatehouse.gateway.requests";
    static final String LATENCY = "gatehouse.gateway.latency";
    static final String ERRORS = "gatehouse.gateway.errors";
    static final String CONNECTIONS = "gatehouse.gateway.connections.active";
    static final String UPSTREAM_ERRORS = "gatehouse.gateway.upstream.errors";
    /** Per route (a static route's prefix, or {@value #PROXY_ROUTE}): requests by status class, latency, errors. */
    static final String ROUTE_REQUESTS = "gatehouse.gateway.route.requests";
    static final String ROUTE_LATENCY = "gatehouse.gateway.route.latency";
    static final String ROUTE_ERRORS = "gatehouse.gateway.route.errors";
    static final String PROXY_ROUTE = "proxy";

    private final MetricRegistry registry;
    private final List<String> names = new ArrayList<>();
    private final Meter[] byStatusClass = new Meter[6];
    private final Timer latency;
    private final Meter errors;
    private final Meter upstreamErrors;
    final LongAdder activeConnections = new LongAdder();
    private final java.util.Map<String, Route> routes = new java.util.concurrent.ConcurrentHashMap<>();

    GatewayMetrics(MetricRegistry registry) {
        this.registry = registry;
        for (int i = 1; i <= 5; i++) {
            byStatusClass[i] = registry.meter(track(MetricNames.name(REQUESTS, "status", i + "xx")));
        }
        latency = registry.timer(track(MetricNames.name(LATENCY)),
                () -> new Timer(new WindowedHistogramReservoir()));
        errors = registry.meter(track(MetricNames.name(ERRORS)));
        upstreamErrors = registry.meter(track(MetricNames.name(UPSTREAM_ERRORS)));
        String connections = track(MetricNames.name(CONNECTIONS));
        registry.remove(connections);
        registry.register(connections, (Gauge<Long>) activeConnections::sum);
    }

    private synchronized String track(String name) {
        names.add(name);
        return name;
    }

    void request(int status, long nanos) {
        int statusClass = status / 100;
        byStatusClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 5].mark();
        latency.update(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The instruments of one route. Routes are the configured static prefixes and {@value #PROXY_ROUTE}, never a
     * request's path, so the number of series stays bounded by the configuration.
     */
    Route route(String route) {
        return routes.computeIfAbsent(route, Route::new);
    }

    /** One route's instruments; {@link #request} counts a finished exchange on it. */
    final class Route {

        private final Meter[] byStatusClass = new Meter[6];
        private final Timer latency;
        private final Meter errors;

        private Route(String route) {
            for (int i = 1; i <= 5; i++) {
                byStatusClass[i] = registry.meter(track(MetricNames.name(ROUTE_REQUESTS, "route", route, "status", i + "xx")));
            }
            latency = registry.timer(track(MetricNames.name(ROUTE_LATENCY, "route", route)),
                    () -> new Timer(new WindowedHistogramReservoir()));
            errors = registry.meter(track(MetricNames.name(ROUTE_ERRORS, "route", route)));
        }

        /** A finished exchange; {@code failed}: a 5xx answer or a response aborted mid-way. */
        void request(int status, long nanos, boolean failed) {
            int statusClass = status / 100;
            byStatusClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 5].mark();
            latency.update(nanos, TimeUnit.NANOSECONDS);
            if (failed || status >= 500) {
                errors.mark();
            }
        }
    }

    /** A response the gateway itself failed: a 5xx it generated, or a response aborted mid-way. */
    void error() {
        errors.mark();
    }

    void upstreamError() {
        upstreamErrors.mark();
    }

    synchronized void close() {
        names.forEach(registry::remove);
        routes.clear();
    }
}
