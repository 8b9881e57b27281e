package io.gatehouse.api.metrics;

import java.util.regex.Pattern;

/**
 * Builds registry names that carry Prometheus labels: {@code gatehouse.backend.requests{backend="127.0.0.1:5005"}}.
 * The base name uses dots (exported as underscores); label names are Prometheus identifiers; label values are
 * escaped as Prometheus text format requires.
 */
public final class MetricNames {

    private static final Pattern BASE = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_.]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private MetricNames() {
    }

    /**
     * @param base the metric name, for example {@code gatehouse.requests}
     * @param labels alternating label names and values
     * @throws IllegalArgumentException when a name is not a valid identifier or a label has no value
     */
    public static String name(String base, String... labels) {
        if (base == null || !BASE.matcher(base).matches()) {
            throw new IllegalArgumentException("metric name must match " + BASE + ", was '" + base + "'");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs, got " + labels.length + " strings");
        }
        if (labels.length == 0) {
            return base;
        }
        StringBuilder sb = new StringBuilder(base).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (labels[i] == null || !LABEL.matcher(labels[i]).matches()) {
                throw new IllegalArgumentException("label name must match " + LABEL + ", was '" + labels[i] + "'");
            }
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labels[i]).append("=\"").append(escape(String.valueOf(labels[i + 1]))).append('"');
        }
        return sb.append('}').toString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
