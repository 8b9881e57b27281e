package io.gatehouse.metrics.internal;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Writes a {@link MetricRegistry} in the Prometheus text exposition format (version 0.0.4).
 * <p>
 * Registry names follow {@link io.gatehouse.api.metrics.MetricNames}: {@code base.name{label="value"}}. Counters and
 * meters become counters ({@code _total}); numeric gauges become gauges; histograms and timers become summaries with
 * 0.5, 0.9, 0.99 quantiles (timers in seconds). Series sharing a base name are grouped under one TYPE line.
 */
public final class PrometheusTextFormat {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final double[] QUANTILES = {0.5, 0.9, 0.99};
    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private PrometheusTextFormat() {
    }

    public static void write(MetricRegistry registry, Writer out) throws IOException {
        Map<String, Map<String, Metric>> families = new TreeMap<>();
        registry.getMetrics().forEach((name, metric) -> {
            int brace = name.indexOf('{');
            String base = sanitize(brace < 0 ? name : name.substring(0, brace));
            String labels = brace < 0 ? "" : name.substring(brace + 1, name.length() - 1);
            families.computeIfAbsent(base, k -> new TreeMap<>()).put(labels, metric);
        });
        for (Map.Entry<String, Map<String, Metric>> family : families.entrySet()) {
            writeFamily(family.getKey(), family.getValue(), out);
        }
    }

    private static void writeFamily(String base, Map<String, Metric> series, Writer out) throws IOException {
        Metric first = series.values().iterator().next();
        if (first instanceof Counter || first instanceof Meter) {
            out.write("# TYPE " + base + "_total counter\n");
        } else if (first instanceof Gauge) {
            out.write("# TYPE " + base + " gauge\n");
        } else if (first instanceof Timer || first instanceof Histogram) {
            out.write("# TYPE " + base + " summary\n");
        }
        for (Map.Entry<String, Metric> s : series.entrySet()) {
            String labels = s.getKey();
            Metric metric = s.getValue();
            if (metric instanceof Counter c) {
                sample(out, base + "_total", labels, c.getCount());
            } else if (metric instanceof Meter m) {
                sample(out, base + "_total", labels, m.getCount());
            } else if (metric instanceof Gauge<?> g) {
                Object value = g.getValue();
                if (value instanceof Number n) {
                    sample(out, base, labels, n.doubleValue());
                } else if (value instanceof Boolean b) {
                    sample(out, base, labels, b ? 1 : 0);
                }
            } else if (metric instanceof Timer t) {
                summary(out, base, labels, t.getSnapshot(), t.getCount(), NANOS_PER_SECOND);
            } else if (metric instanceof Histogram h) {
                summary(out, base, labels, h.getSnapshot(), h.getCount(), 1);
            }
        }
    }

    private static void summary(Writer out, String base, String labels, Snapshot snapshot, long count, double scale)
            throws IOException {
        for (double q : QUANTILES) {
            String quantile = "quantile=\"" + q + "\"";
            sample(out, base, labels.isEmpty() ? quantile : labels + "," + quantile, snapshot.getValue(q) / scale);
        }
        sample(out, base + "_count", labels, count);
        sample(out, base + "_sum", labels, snapshot.getMean() * count / scale);
    }

    private static void sample(Writer out, String name, String labels, double value) throws IOException {
        out.write(name);
        if (!labels.isEmpty()) {
            out.write('{');
            out.write(labels);
            out.write('}');
        }
        out.write(' ');
        out.write(format(value));
        out.write('\n');
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    static String sanitize(String base) {
        return base.replaceAll("[^a-zA-Z0-9_:]", "_");
    }
}
