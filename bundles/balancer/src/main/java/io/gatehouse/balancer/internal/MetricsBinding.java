package io.gatehouse.balancer.internal;

import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The balancer owns its metric objects and publishes them into the shared registry while one is bound, so the
 * metrics bundle can restart without the balancer losing its counts or its backends.
 */
final class MetricsBinding {

    private final Map<String, Metric> owned = new ConcurrentHashMap<>();
    private volatile MetricRegistry registry;

    synchronized void bind(MetricRegistry newRegistry) {
        registry = newRegistry;
        owned.forEach((name, metric) -> publish(newRegistry, name, metric));
    }

    synchronized void unbind(MetricRegistry oldRegistry) {
        if (registry == oldRegistry) {
            owned.keySet().forEach(oldRegistry::remove);
            registry = null;
        }
    }

    synchronized void add(String name, Metric metric) {
        owned.put(name, metric);
        MetricRegistry r = registry;
        if (r != null) {
            publish(r, name, metric);
        }
    }

    synchronized void remove(String name) {
        owned.remove(name);
        MetricRegistry r = registry;
        if (r != null) {
            r.remove(name);
        }
    }

    synchronized void removeAll() {
        MetricRegistry r = registry;
        if (r != null) {
            owned.keySet().forEach(r::remove);
        }
        owned.clear();
    }

    private static void publish(MetricRegistry r, String name, Metric metric) {
        r.remove(name); // a previous balancer instance may have left it
        r.register(name, metric);
    }
}
