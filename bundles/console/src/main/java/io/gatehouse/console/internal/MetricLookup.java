package io.gatehouse.console.internal;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Sampling;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads the shared registry by base name and labels, as written by
 * {@link io.gatehouse.api.metrics.MetricNames#name}: {@code base{label="value",...}}.
 */
final class MetricLookup {

    private final MetricRegistry registry;

    MetricLookup(MetricRegistry registry) {
        this.registry = registry;
    }

    /** Visits every metric whose base name is {@code base}, with its labels. */
    void each(String base, BiConsumer<Map<String, String>, Metric> visitor) {
        for (Map.Entry<String, Metric> e : registry.getMetrics().entrySet()) {
            String name = e.getKey();
            if (name.startsWith(base) && (name.length() == base.length() || name.charAt(base.length()) == '{')) {
                visitor.accept(labels(name), e.getValue());
            }
        }
    }

    /** The sum of the counts of every counting metric named {@code base} whose labels include {@code label=value}. */
    long count(String base, String label, String value) {
        long[] sum = {0};
        each(base, (labels, metric) -> {
            if (label == null || value.equals(labels.get(label))) {
                sum[0] += countOf(metric);
            }
        });
        return sum[0];
    }

    /** The snapshot of the first sampling metric named {@code base} with {@code label=value}, or null. */
    Snapshot snapshot(String base, String label, String value) {
        Snapshot[] found = {null};
        each(base, (labels, metric) -> {
            if (found[0] == null && metric instanceof Sampling s && (label == null || value.equals(labels.get(label)))) {
                found[0] = s.getSnapshot();
            }
        });
        return found[0];
    }

    /** A gauge's numeric value, or NaN. */
    double gauge(String base, String label, String value) {
        double[] found = {Double.NaN};
        each(base, (labels, metric) -> {
            if (metric instanceof Gauge<?> g && (label == null || value.equals(labels.get(label)))
                    && g.getValue() instanceof Number n) {
                found[0] = n.doubleValue();
            }
        });
        return found[0];
    }

    /**
     * Every metric whose name starts with {@code prefix} and carries {@code label}, grouped by that label's value and
     * keyed by the rest of the base name: {@code gatehouse.ratelimit.rejected{zone="api"}} gives
     * {@code api -> rejected -> metric}.
     */
    Map<String, Map<String, Metric>> byLabel(String prefix, String label) {
        Map<String, Map<String, Metric>> grouped = new java.util.TreeMap<>();
        registry.getMetrics().forEach((name, metric) -> {
            if (!name.startsWith(prefix)) {
                return;
            }
            String value = labels(name).get(label);
            if (value == null) {
                return;
            }
            int brace = name.indexOf('{');
            String what = name.substring(prefix.length(), brace < 0 ? name.length() : brace);
            grouped.computeIfAbsent(value, k -> new java.util.TreeMap<>()).put(what, metric);
        });
        return grouped;
    }

    /** A metric's current figure: a gauge's number (1/0 for a boolean), a counting metric's count, else NaN. */
    static double figure(Metric metric) {
        if (metric instanceof Gauge<?> g) {
            Object v = g.getValue();
            return v instanceof Number n ? n.doubleValue() : v instanceof Boolean b ? (b ? 1 : 0) : Double.NaN;
        }
        return metric instanceof Counting c ? c.getCount() : Double.NaN;
    }

    static long countOf(Metric metric) {
        return metric instanceof Counting c ? c.getCount() : 0;
    }

    /** Milliseconds for a timer's snapshot (nanoseconds), the raw value for a histogram's. */
    static double millis(Metric metric, Snapshot snapshot, double quantile) {
        double v = snapshot.getValue(quantile);
        return metric instanceof Timer ? v / 1e6 : v;
    }

    static Map<String, String> labels(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        int brace = name.indexOf('{');
        if (brace < 0) {
            return labels;
        }
        int i = brace + 1;
        while (i < name.length() && name.charAt(i) != '}') {
            int eq = name.indexOf('=', i);
            if (eq < 0 || eq + 1 >= name.length() || name.charAt(eq + 1) != '"') {
                break;
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < name.length() && name.charAt(j) != '"'; j++) {
                char c = name.charAt(j);
                if (c == '\\' && j + 1 < name.length()) {
                    char n = name.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            labels.put(name.substring(i, eq), value.toString());
            i = j + 1;
            if (i < name.length() && name.charAt(i) == ',') {
                i++;
            }
        }
        return labels;
    }
}
