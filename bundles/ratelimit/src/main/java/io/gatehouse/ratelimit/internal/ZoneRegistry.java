package io.gatehouse.ratelimit.internal;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.gatehouse.api.audit.SecurityEvent;
import io.gatehouse.api.audit.SecurityEventType;
import io.gatehouse.api.audit.SecurityEvents;
import io.gatehouse.api.http.Exchange;
import io.gatehouse.api.metrics.MetricNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zones of this container, their clock, their metrics and their security events; the filters and the shell
 * read zones from here. Idle buckets are swept every few seconds. Metrics and security events are optional: the
 * limiter works without the metrics and audit bundles and picks them up when they arrive.
 */
@Component(service = ZoneRegistry.class)
public class ZoneRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ZoneRegistry.class);
    private static final long SWEEP_SECONDS = 10;
    /** At most one security event per key (or per zone, for limit_conn) and interval: floods stay in the metrics. */
    static final long REPORT_INTERVAL_MILLIS = 1000;

    private final LongSupplier clock;
    private final List<Zone> zones = new CopyOnWriteArrayList<>();
    private volatile Zone[] snapshot = new Zone[0];
    private final ScheduledExecutorService sweeper;
    private volatile MetricRegistry metrics;
    private volatile SecurityEvents events;

    @Activate
    public ZoneRegistry() {
        this(() -> System.nanoTime() / 1_000_000, true);
    }

    ZoneRegistry(LongSupplier clock, boolean sweep) {
        this.clock = clock;
        if (sweep) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gatehouse-ratelimit-sweeper");
                t.setDaemon(true);
                return t;
            });
            sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        } else {
            sweeper = null;
        }
    }

    @Deactivate
    void deactivate() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        MetricRegistry m = metrics;
        if (m != null) {
            zones.forEach(z -> unregisterMetrics(m, z));
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addZone(ZoneComponent component) {
        add(component.zone());
    }

    void removeZone(ZoneComponent component) {
        remove(component.zone());
    }

    void add(Zone zone) {
        zones.add(zone);
        rebuild();
        MetricRegistry m = metrics;
        if (m != null) {
            registerMetrics(m, zone);
        }
    }

    void remove(Zone zone) {
        zones.remove(zone);
        rebuild();
        MetricRegistry m = metrics;
        if (m != null) {
            unregisterMetrics(m, zone);
        }
    }

    private void rebuild() {
        Zone[] next = zones.toArray(new Zone[0]);
        Arrays.sort(next, Comparator.comparing(z -> z.spec().name()));
        snapshot = next;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMetrics(MetricRegistry registry) {
        metrics = registry;
        zones.forEach(z -> registerMetrics(registry, z));
    }

    void unbindMetrics(MetricRegistry registry) {
        if (metrics == registry) {
            metrics = null;
        }
        zones.forEach(z -> unregisterMetrics(registry, z));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEvents(SecurityEvents securityEvents) {
        events = securityEvents;
    }

    void unbindEvents(SecurityEvents securityEvents) {
        if (events == securityEvents) {
            events = null;
        }
    }

    private static String metric(String base, Zone z) {
        return MetricNames.name(base, "zone", z.spec().name());
    }

    private static void registerMetrics(MetricRegistry m, Zone z) {
        try {
            m.register(metric("gatehouse.ratelimit.passed", z), z.passed);
            m.register(metric("gatehouse.ratelimit.delayed", z), z.delayed);
            m.register(metric("gatehouse.ratelimit.hits", z), z.hits);
            m.register(metric("gatehouse.ratelimit.conn.hits", z), z.connHits);
            m.register(metric("gatehouse.ratelimit.keys", z), (Gauge<Integer>) z::keys);
        } catch (IllegalArgumentException e) {
            LOG.warn("Metrics of rate-limit zone '{}' not registered: {}", z.spec().name(), e.getMessage());
        }
    }

    private static void unregisterMetrics(MetricRegistry m, Zone z) {
        for (String base : List.of("passed", "delayed", "hits", "conn.hits", "keys")) {
            m.remove(metric("gatehouse.ratelimit." + base, z));
        }
    }

    /** The zones, sorted by name (the order limit_req directives would be listed in). */
    Zone[] zones() {
        return snapshot;
    }

    long now() {
        return clock.getAsLong();
    }

    void sweep() {
        long now = now();
        for (Zone z : snapshot) {
            try {
                z.sweep(now);
            } catch (RuntimeException e) {
                LOG.warn("Sweeping rate-limit zone '{}' failed", z.spec().name(), e);
            }
        }
    }

    /** Records a RATE_LIMITED security event, when an audit service is present. */
    void report(Exchange exchange, String key, String detail) {
        SecurityEvents sink = events;
        if (sink == null) {
            return;
        }
        try {
            sink.record(SecurityEvent.of(SecurityEventType.RATE_LIMITED, key, exchange.clientAddress(),
                    exchange.requestId(), detail));
        } catch (RuntimeException e) {
            LOG.debug("Security event not recorded: {}", e.getMessage());
        }
    }

    // ---- the shell's view

    public List<ZoneStatus> status() {
        List<ZoneStatus> out = new ArrayList<>();
        for (Zone z : snapshot) {
            out.add(ZoneStatus.of(z));
        }
        return out;
    }

    public List<String> names() {
        return Arrays.stream(snapshot).map(z -> z.spec().name()).toList();
    }

    private Optional<Zone> zone(String name) {
        return Arrays.stream(snapshot).filter(z -> z.spec().name().equals(name)).findFirst();
    }

    /**
     * Forgets a zone's limit_req state: every key, or just {@code key}.
     *
     * @return how many keys were forgotten
     * @throws IllegalArgumentException naming the zone when there is none of that name
     */
    public int reset(String zoneName, String key) {
        Zone z = zone(zoneName).orElseThrow(() -> new IllegalArgumentException(
                "no rate-limit zone '" + zoneName + "'; zones: " + names()));
        if (key == null) {
            int n = z.keys();
            z.reset();
            return n;
        }
        return z.reset(key) ? 1 : 0;
    }
}
